-- No JIT compilation on the laptops' calls (issue 14: a pull page flat, a sync with nothing new under 100 ms).
-- PostgreSQL compiles a statement with LLVM once its estimated cost passes jit_above_cost (100,000). bk.pull's
-- statements join one bounded index scan per child of the reader's caseload, so with 500 children the planner's
-- estimate passed the threshold (it grew with migration 0012's fourth source), and every page, probe and nothing-new
-- sync paid 400-650 ms of compilation (auto_explain: "JIT ... Emission 400 ms") for statements that run in 15-30 ms.
-- These are short OLTP statements: compilation never pays back. Off for every function a laptop or the admin CLI
-- calls (the setting holds for everything they call in turn), and off as the database's default for the direct
-- look-ups; a DBA who wants JIT for analytics can set it per session.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'bk'
               AND p.proname IN ('push', 'pull', 'grants', 'child_history', 'supervisee_history', 'session_frames',
                                 'register_child', 'register_children', 'merge_child', 'duplicates', 'high_water',
                                 'check_item')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET jit = off', f);
    END LOOP;
END $$;

DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit: the database default stays (only its owner may set it); the laptops'' calls have it off';
END $$;
