-- The booking transaction as PostgreSQL alone runs it: the reference of the `bookings` bench
-- (bench/pgbench.py creates the tables; each pgbench client books its own room, as each HTTP
-- client of the bench does, one fresh hour per transaction).
-- Per booking: the per-room lock, the overlap check, the booking row (checked by the same kind
-- of exclusion constraint), the wallet's row lock, a ledger transaction of two postings and
-- the wallet's balance update.
\set room :client_id + 1
BEGIN;
SELECT pg_advisory_xact_lock(:room);
SELECT nextval('bench_ref_hour') AS hour \gset
SELECT count(*) AS taken FROM bench_ref_booking
 WHERE room_id = :room
   AND occupied && tstzrange(timestamptz '2030-01-01 00:00Z' + :hour * interval '1 hour',
                             timestamptz '2030-01-01 00:00Z' + (:hour + 1) * interval '1 hour');
INSERT INTO bench_ref_booking (room_id, user_id, occupied, price, points)
VALUES (:room, :room,
        tstzrange(timestamptz '2030-01-01 00:00Z' + :hour * interval '1 hour',
                  timestamptz '2030-01-01 00:00Z' + (:hour + 1) * interval '1 hour'),
        900, :points)
RETURNING id AS booking \gset
SELECT balance FROM bench_ref_account WHERE id = :room FOR UPDATE;
INSERT INTO bench_ref_transaction (idempotency_key, booking_id)
VALUES ('spend:booking:' || :booking, :booking)
RETURNING id AS tx \gset
INSERT INTO bench_ref_posting (transaction_id, account_id, amount)
VALUES (:tx, :room, -:points), (:tx, 0, :points);
UPDATE bench_ref_account SET balance = balance - :points WHERE id = :room;
END;
