-- Session state (about 2 KB of JSON) and definitions are rewritten by every turn and cross PostgreSQL's compression
-- threshold, so every update compressed them with pglz, one of the database's largest costs in a profile of the
-- cluster benchmark. lz4 compresses them several times faster (values already stored keep their method). A server
-- built without lz4 keeps pglz: this migration is an optimisation only.
DO $$
BEGIN
    ALTER TABLE sessions ALTER COLUMN state SET COMPRESSION lz4;
    ALTER TABLE sessions ALTER COLUMN definition SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'lz4 compression unavailable (%), session columns keep pglz', SQLERRM;
END $$;
