-- The ledger's hot path as raw SQL, for pgbench (scripts/bench_domain.py runs it with -D fund_id,
-- user_id, key_prefix, proposals). Each transaction books on one of `proposals` proposals (on as
-- many positions, as the service's and the API's measurements do: one position's lines would grow
-- by every transaction and make its sums slower), found by its idempotency key before the
-- transaction as the API finds it. Then every statement bev.services.disbursement_approve
-- sends in its transaction, in its order: the permission's team read, the fund lock; the
-- disbursement (its row locked) with the fund's latest booking date and the position's own
-- reservation and earlier disbursements (its running figures); the running balances the limit is checked
-- against; the entry (only when the limit allows), its lines, the running balances and the position's
-- running figures and flow of the day; the entry's audit record;
-- the disbursement's status and its audit record; the letter request to parliament and its audit
-- record. What it leaves out is what the comparison measures: Django and Python.
\set n random(0, :proposals - 1)
SELECT d.id AS disbursement_id, d.position_id AS position_id, p.case_id AS case_id
FROM bev_disbursement d JOIN bev_position p ON p.id = d.position_id WHERE d.idempotency_key = :key_prefix || :n \gset
BEGIN;
SELECT user_id, role FROM cases_caseteammember WHERE case_id = :case_id AND user_id = :user_id;
SELECT id FROM bev_fund WHERE id = :fund_id FOR NO KEY UPDATE;
SELECT d.id, d.status, p.id, c.state,
       (SELECT e.booked_on FROM bev_journalentry e WHERE e.fund_id = p.fund_id ORDER BY e.booked_on DESC LIMIT 1)
         AS last_booked,
       COALESCE((SELECT b.reserved FROM bev_positionbalance b WHERE b.position_id = d.position_id), 0)
         AS own_reserved,
       COALESCE((SELECT b.disbursement_lines FROM bev_positionbalance b WHERE b.position_id = d.position_id), 0)
         AS own_disbursements
FROM bev_disbursement d JOIN bev_position p ON p.id = d.position_id JOIN cases_case c ON c.id = p.case_id
WHERE d.id = :disbursement_id FOR NO KEY UPDATE OF d \gset
SELECT COALESCE(MAX(balance) FILTER (WHERE account = 'cash_available'), 0) AS available
FROM bev_accountbalance WHERE fund_id = :fund_id \gset
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
INSERT INTO bev_positionbalance (position_id, fund_id, invested, cost, reserved, returns, realised, disbursement_lines)
VALUES (:position_id, :fund_id, 1.00, 1.00, 0, 0, 0, 2)
ON CONFLICT (position_id) DO UPDATE SET invested = bev_positionbalance.invested + excluded.invested,
  cost = bev_positionbalance.cost + excluded.cost, reserved = bev_positionbalance.reserved + excluded.reserved,
  returns = bev_positionbalance.returns + excluded.returns, realised = bev_positionbalance.realised + excluded.realised,
  disbursement_lines = bev_positionbalance.disbursement_lines + excluded.disbursement_lines;
INSERT INTO bev_positionflow (position_id, booked_on, amount) VALUES (:position_id, CURRENT_DATE, -1.00)
ON CONFLICT (position_id, booked_on) DO UPDATE SET amount = bev_positionflow.amount + excluded.amount;
INSERT INTO audit_auditrecord (timestamp, actor_id, actor_username, action, event, object_type, object_id,
                               object_repr, case_id, request_id, ip_address, channel, changes, prev_hash)
VALUES (now(), :user_id, 'pgbench', 'booking', 'ledger.disbursement', 'bev.journalentry', :entry_id,
        'pgbench', :case_id, '', NULL, 'command',
        '{"kind": "disbursement", "amount": "1.00", "lines": [{"account": "investments", "amount": "1.00"}]}', '')
RETURNING id;
UPDATE bev_disbursement SET status = 'booked', decided_by_id = :user_id, decided_at = now(), entry_id = :entry_id
WHERE id = :disbursement_id;
INSERT INTO audit_auditrecord (timestamp, actor_id, actor_username, action, event, object_type, object_id,
                               object_repr, case_id, request_id, ip_address, channel, changes, prev_hash)
VALUES (now(), :user_id, 'pgbench', 'approve', 'disbursement.approve', 'bev.disbursement', :disbursement_id,
        'pgbench', :case_id, '', NULL, 'command', '{"amount": "1.00"}', '')
RETURNING id;
INSERT INTO parliament_letterrequest (source_key, kind, case_id, position_id, amount, executed_on,
                                      requested_by_id, status, attempts, last_error, created_at,
                                      reversed_on, reversal_reason)
VALUES ('pgbench:' || :entry_id, 'follow_on_investment', :case_id, :position_id, 1.00, CURRENT_DATE, :user_id,
        'pending', 0, '', now(), NULL, '')
ON CONFLICT (source_key) DO NOTHING RETURNING id;
INSERT INTO audit_auditrecord (timestamp, actor_id, actor_username, action, event, object_type, object_id,
                               object_repr, case_id, request_id, ip_address, channel, changes, prev_hash)
VALUES (now(), :user_id, 'pgbench', 'create', 'letter_request.create', 'parliament.letterrequest', :entry_id,
        'pgbench', :case_id, '', NULL, 'command', '{}', '')
RETURNING id;
COMMIT;
