# The SCN portal's two commands are `make run` and `make test`; see README.md.
.PHONY: run test test-resilience bench stop status restart

run:        ## install what is missing, start PostgreSQL, Redis, Solr and CKAN, load demo data
	@scripts/run.sh

test:       ## the same set-up for the test database and Solr core, then the whole test suite
	@scripts/test.sh $(PYTEST_ARGS)

test-resilience: ## fault and load tests on a second stack of their own (var/resilience), ~10 min
	@scripts/test-resilience.sh $(PYTEST_ARGS)

bench:      ## SCN against stock CKAN (harvest, search, throughput) -> bench/REPORT.md; see bench/README.md
	@bench/run.sh

stop:       ## stop what `make run` started
	@scripts/services.sh stop

status:     ## which services run
	@scripts/services.sh status

restart:    ## restart CKAN and the harvest workers (after code changes)
	@scripts/services.sh stop harvest ckan && scripts/services.sh start ckan harvest
