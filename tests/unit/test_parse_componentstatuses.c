/* test_parse_componentstatuses.c - kubectl get cs into component_statuses. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_componentstatuses;
#define P (&pm_parser_componentstatuses)
#define PATH "cluster/componentstatuses.txt"
#define ROW "SELECT name||'|'||status||'|'||coalesce(message,'N')||'|'||coalesce(error,'N') " \
	"FROM component_statuses"

static void forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"Warning: v1 ComponentStatus is deprecated in v1.19+\n"
		"NAME                 STATUS      MESSAGE                                                                                        ERROR\n"
		"scheduler            Unhealthy   Get \"http://127.0.0.1:10251/healthz\": dial tcp 127.0.0.1:10251: connect: connection refused   \n"
		"controller-manager   Healthy     ok                                                                                             \n"
		"etcd-0               Healthy     {\"health\":\"true\",\"reason\":\"\"}                                                                \n"
		"etcd-1               Unhealthy                                                                                                  context deadline exceeded\n"), 0);
	CHECK_INT(pt_count("component_statuses"), 4);
	CHECK_STR(pt_q(ROW " WHERE name='scheduler'"),
		  "scheduler|Unhealthy|Get \"http://127.0.0.1:10251/healthz\": dial tcp 127.0.0.1:10251: connect: connection refused|N");
	CHECK_STR(pt_q(ROW " WHERE name='controller-manager'"), "controller-manager|Healthy|ok|N");
	CHECK_STR(pt_q(ROW " WHERE name='etcd-0'"), "etcd-0|Healthy|{\"health\":\"true\",\"reason\":\"\"}|N");
	CHECK_STR(pt_q(ROW " WHERE name='etcd-1'"), "etcd-1|Unhealthy|N|context deadline exceeded");
	CHECK_STR(pt_q("SELECT line FROM component_statuses WHERE name='etcd-1'"), "6");
	CHECK_INT(pt_count("gaps"), 0);
}

static void odd_inputs(void)
{
	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty componentstatuses output");

	/* a message longer than the header's column keeps everything as message */
	CHECK_INT(pt_run(P, PATH, "NAME   STATUS   MESSAGE   ERROR\n"
			 "etcd-0 Unhealthy a very long message that runs on\n"
			 "lonely\n"
			 "scheduler Healthy ok"), 0);
	CHECK_STR(pt_q(ROW " WHERE name='etcd-0'"), "etcd-0|Unhealthy|a very long message that runs on|N");
	CHECK_STR(pt_q(ROW " WHERE name='scheduler'"), "scheduler|Healthy|ok|N");
	CHECK_STR(pt_q("SELECT line||' '||reason FROM gaps"), "3 unreadable componentstatus line");

	CHECK_INT(pt_run(P, PATH, "Error from server (Forbidden): componentstatuses is forbidden\n"), 0);
	CHECK_INT(pt_count("component_statuses"), 0);
	CHECK_STR(pt_q("SELECT category FROM gaps"), "collect");

	CHECK_INT(pt_run(P, PATH, "scheduler Healthy ok\n"), 0);
	CHECK_STR(pt_q(ROW), "scheduler|Healthy|ok|N");
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "no header: message and error not told apart");
}

int main(void)
{
	RUN(forms);
	RUN(odd_inputs);
	DONE();
}
