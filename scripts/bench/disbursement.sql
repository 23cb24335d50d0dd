-- The ledger's hot path as raw SQL, for pgbench (scripts/bench_domain.py runs it with -D fund_id,
-- position_id, case_id, user_id). What bev.services.disbursement_approve does under the fund lock:
-- lock the fund row, read the running balances the limit is checked against
-- (bev_accountbalance), the latest booking date and the position's own reservation and earlier
-- disbursements, then insert the entry and its lines only when the limit allows, and add the lines
-- to the running balances. Not included: the checks made before the lock, the audit record (one
-- INSERT) and Django/Python work; the service and API measurements include them.
BEGIN;
SELECT id FROM bev_fund WHERE id = :fund_id FOR NO KEY UPDATE;
SELECT COALESCE(MAX(balance) FILTER (WHERE account = 'cash_available'), 0) AS available
FROM bev_accountbalance WHERE fund_id = :fund_id \gset
SELECT MAX(booked_on) AS last_booked FROM bev_journalentry WHERE fund_id = :fund_id \gset
SELECT COALESCE(SUM(amount) FILTER (WHERE account = 'cash_reserved'), 0) AS own_reserved,
       COALESCE(SUM(amount) FILTER (WHERE account = 'investments' AND kind = 'disbursement'), 0) AS own_invested
FROM bev_journalline WHERE position_id = :position_id \gset
INSERT INTO bev_journalentry (fund_id, kind, booked_on, description, amount, idempotency_key, position_id,
                              case_id, created_by_id, approved_by_id, created_at)
SELECT :fund_id, 'disbursement', CURRENT_DATE, 'pgbench', 1.00, 'pgbench-' || txid_current(), :position_id,
       :case_id, :user_id, :user_id, now()
WHERE :available + :own_reserved >= 1.00
RETURNING id AS entry_id \gset
INSERT INTO bev_journalline (entry_id, fund_id, account, position_id, kind, booked_on, amount) VALUES
  (:entry_id, :fund_id, 'investments', :position_id, 'disbursement', CURRENT_DATE, 1.00),
  (:entry_id, :fund_id, 'cash_available', :position_id, 'disbursement', CURRENT_DATE, -1.00);
INSERT INTO bev_accountbalance (fund_id, account, balance, returns) VALUES
  (:fund_id, 'investments', 1.00, 0), (:fund_id, 'cash_available', -1.00, 0)
ON CONFLICT (fund_id, account) DO UPDATE SET balance = bev_accountbalance.balance + excluded.balance,
                                             returns = bev_accountbalance.returns + excluded.returns;
COMMIT;
