-- Text columns are COLLATE "C", as every other (0002_pg_triggers_search_collation.sql).
CREATE TABLE "job_runs" (
	"job" text COLLATE "C" NOT NULL,
	"slot" text COLLATE "C" NOT NULL,
	"runner" text COLLATE "C" NOT NULL,
	"started_at" text COLLATE "C" DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	CONSTRAINT "job_runs_job_slot_pk" PRIMARY KEY("job","slot")
);
