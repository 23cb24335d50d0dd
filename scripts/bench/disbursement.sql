-- The ledger's hot path as raw SQL, for pgbench (scripts/bench_domain.py runs it with -D fund_id,
-- position_id, case_id, user_id). The same transaction as bev.services.disbursement_approve:
-- lock the fund row, read the balances the limit is checked against (the same one aggregate over
-- the fund's ledger lines as bev.selectors.ledger_totals, plus the latest booking date and the
-- position's own reservation), then insert the entry and its lines only when the limit allows.
-- Not included: the audit record (its own global chain lock) and Django/Python work; the service
-- and API measurements include both.
BEGIN;
SELECT id FROM bev_fund WHERE id = :fund_id FOR UPDATE;
SELECT
  COALESCE(SUM(amount) FILTER (WHERE account = 'ministry_loan'), 0) AS ministry_loan,
  COALESCE(SUM(amount) FILTER (WHERE account = 'cash_available'), 0) AS available,
  COALESCE(SUM(amount) FILTER (WHERE account = 'cash_reserved'), 0) AS reserved,
  COALESCE(SUM(amount) FILTER (WHERE account = 'investments'), 0) AS investments,
  COALESCE(SUM(amount) FILTER (WHERE account = 'treasury'), 0) AS treasury,
  COALESCE(SUM(amount) FILTER (WHERE account = 'management_fee'), 0) AS management_fee,
  COALESCE(SUM(amount) FILTER (WHERE account = 'investment_income'), 0) AS investment_income,
  COALESCE(SUM(amount) FILTER (WHERE account = 'realised_result'), 0) AS realised_result,
  COALESCE(SUM(amount) FILTER (WHERE account = 'cash_available'
                                 AND kind IN ('dividend', 'interest', 'repayment', 'sale')), 0) AS returns
FROM bev_journalline WHERE fund_id = :fund_id \gset
SELECT MAX(booked_on) AS last_booked FROM bev_journalentry WHERE fund_id = :fund_id \gset
SELECT COALESCE(SUM(amount) FILTER (WHERE account = 'cash_reserved'), 0) AS own_reserved
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
COMMIT;
