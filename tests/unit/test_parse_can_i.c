/* test_parse_can_i.c - can-i answers and can-i --list tables into permissions. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_can_i;
extern const struct pm_parser pm_parser_can_i_list;
#define ROW "SELECT subject||'|'||coalesce(namespace,'N')||'|'||coalesce(resource,'N')||'|'||" \
	"coalesce(resource_names,'N')||'|'||coalesce(non_resource_url,'N')||'|'||verb||'|'||" \
	"allowed||'|'||source_kind FROM permissions"

static void can_i(void)
{
	CHECK_INT(pt_run(&pm_parser_can_i, "auth/can-i__velero__velero.txt",
		"create backups.velero.io: yes\n"
		"get secrets: no\n"
		"get /healthz: yes\n"
		"Warning: resource 'nodes' is not namespace scoped\n"
		"list nodes: no\n"), 0);
	CHECK_INT(pt_count("permissions"), 4);
	CHECK_STR(pt_q(ROW " WHERE line=1"),
		  "system:serviceaccount:velero:velero|velero|backups.velero.io|N|N|create|1|can-i");
	CHECK_STR(pt_q(ROW " WHERE line=2"),
		  "system:serviceaccount:velero:velero|velero|secrets|N|N|get|0|can-i");
	CHECK_STR(pt_q(ROW " WHERE line=3"),
		  "system:serviceaccount:velero:velero|velero|N|N|/healthz|get|1|can-i");
	CHECK_INT(pt_count("gaps"), 0);

	{
		struct pm_item it;
		const char *d = "no - RBAC: role.rbac.authorization.k8s.io \"x\" not found\n";
		memset(&it, 0, sizeof(it));
		it.command = "[\"kubectl\",\"auth\",\"can-i\",\"--as\",\"system:serviceaccount:app:web\","
			     "\"-n\",\"app\",\"get\",\"persistentvolumeclaims\"]";
		CHECK_INT(pt_run_item(&pm_parser_can_i, "x/answer.txt", d, strlen(d), &it), 0);
		CHECK_STR(pt_q(ROW), "system:serviceaccount:app:web|app|persistentvolumeclaims|N|N|get|0|can-i");
		/* a bare answer without a command to say the question */
		CHECK_INT(pt_run(&pm_parser_can_i, "x/answer.txt", "yes\n"), 0);
		CHECK_INT(pt_count("permissions"), 0);
		CHECK_INT(pt_count("gaps"), 1);
	}
}

static void can_i_odd(void)
{
	CHECK_INT(pt_run(&pm_parser_can_i, "auth/can-i__a__b.txt", ""), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty can-i output");
	CHECK_INT(pt_run(&pm_parser_can_i, "auth/can-i__a__b.txt",
			 "get pods: maybe\nget: yes\nget pods: ye\xff\nlist pods: y"), 0);
	CHECK_INT(pt_count("permissions"), 0);
	CHECK_INT(pt_count("gaps"), 4);
}

static const char list[] =
	"Resources                                       Non-Resource URLs   Resource Names     Verbs\n"
	"*.*                                             []                  []                 [*]\n"
	"backups.velero.io                               []                  []                 [get list watch]\n"
	"configmaps                                      []                  [kubeadm-config a]  [get]\n"
	"selfsubjectaccessreviews.authorization.k8s.io   []                  []                 [create]\n"
	"                                                [/api/*]            []                 [get]\n"
	"                                                [/healthz /livez]   []                 [get head]\n";

static void can_i_list(void)
{
	CHECK_INT(pt_run(&pm_parser_can_i_list, "auth/can-i-list__velero__velero.txt", list), 0);
	CHECK_INT(pt_count("permissions"), 11);
	CHECK_STR(pt_q("SELECT group_concat(verb) FROM permissions WHERE resource='backups.velero.io'"),
		  "get,list,watch");
	CHECK_STR(pt_q(ROW " WHERE resource='configmaps'"),
		  "system:serviceaccount:velero:velero|velero|configmaps|[\"kubeadm-config\",\"a\"]|N|get|1|can-i-list");
	CHECK_STR(pt_q(ROW " WHERE resource='*.*'"),
		  "system:serviceaccount:velero:velero|velero|*.*|N|N|*|1|can-i-list");
	CHECK_STR(pt_q("SELECT group_concat(non_resource_url||' '||verb||' '||line, ',') FROM permissions "
		       "WHERE resource IS NULL"),
		  "/api/* get 6,/healthz get 7,/livez get 7,/healthz head 7,/livez head 7");
	CHECK_INT(pt_count("gaps"), 0);

	CHECK_INT(pt_run(&pm_parser_can_i_list, "auth/can-i-list.txt", list), 0);
	CHECK_STR(pt_q("SELECT DISTINCT subject||'|'||coalesce(namespace,'N') FROM permissions"), "self|N");
}

static void can_i_list_odd(void)
{
	static char big[6000];

	CHECK_INT(pt_run(&pm_parser_can_i_list, "auth/can-i-list.txt", ""), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty can-i --list output");

	CHECK_INT(pt_run(&pm_parser_can_i_list, "auth/can-i-list.txt",
		"Resources   Non-Resource URLs   Resource Names   Verbs\n"
		"pods        []                  []               [get list\n"
		"pods        []                  []\n"
		"[] [] [] []\n"
		"garbage \x01\x02\n"
		"                                [] [] [get]\n"
		"secrets     []                  []               [get]\n"), 0);
	CHECK_INT(pt_count("permissions"), 1);
	CHECK_INT(pt_count("gaps"), 5);

	memset(big, ' ', sizeof(big) - 1);
	memcpy(big, "pods [] [] [", 12);
	CHECK_INT(pt_run(&pm_parser_can_i_list, "auth/can-i-list.txt", big), 0);
	CHECK_INT(pt_count("permissions"), 0);
}

int main(void)
{
	RUN(can_i);
	RUN(can_i_odd);
	RUN(can_i_list);
	RUN(can_i_list_odd);
	DONE();
}
