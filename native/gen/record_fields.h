/*
 * record_fields.h — GENERATED from src/schema/ (run-record.ts, link-record.ts, pkg-record.ts)
 * by src/schema/emit-c-fields.ts; do not edit. Regenerate:
 *   node -e "import('./dist/src/config/write-generated.js').then((m) => m.writeCommitted())"
 *
 * XALT_<TABLE>_MEMBERS(X) calls X(name) for each member of a record table, in the order the
 * record is written. XALT_KEY(table, name) is the member's name as a string, and does not
 * compile for a name the schema does not have.
 */
#ifndef XALT_RECORD_FIELDS_H
#define XALT_RECORD_FIELDS_H

/* userDT.schema_version: the version of xalt's extensions. */
#define XALT_SCHEMA_VERSION 2

#define XALT_KEY(table, name) XALT_KEY_##table##_##name

/* run */
#define XALT_RUN_MEMBERS(X) \
  X(crc) \
  X(cmdlineA) \
  X(hash_id) \
  X(libA) \
  X(ptA) \
  X(envT) \
  X(userT) \
  X(userDT) \
  X(xaltLinkT) \
  X(XALT_measureT) \
  X(XALT_qaT)
#define XALT_KEY_run_crc "crc"
#define XALT_KEY_run_cmdlineA "cmdlineA"
#define XALT_KEY_run_hash_id "hash_id"
#define XALT_KEY_run_libA "libA"
#define XALT_KEY_run_ptA "ptA"
#define XALT_KEY_run_envT "envT"
#define XALT_KEY_run_userT "userT"
#define XALT_KEY_run_userDT "userDT"
#define XALT_KEY_run_xaltLinkT "xaltLinkT"
#define XALT_KEY_run_XALT_measureT "XALT_measureT"
#define XALT_KEY_run_XALT_qaT "XALT_qaT"

/* run_userT */
#define XALT_RUN_USERT_MEMBERS(X) \
  X(syshost) \
  X(run_uuid) \
  X(exec_path) \
  X(exec_type) \
  X(cwd) \
  X(currentEpoch) \
  X(start_date) \
  X(user) \
  X(container) \
  X(execModify) \
  X(scheduler) \
  X(account) \
  X(job_id) \
  X(queue) \
  X(submit_host) \
  X(host) \
  X(job_step) \
  X(end_reason) \
  X(exec_build_id) \
  X(parent_run_uuid) \
  X(start_policy) \
  X(exec_identity) \
  X(array_job_id) \
  X(array_task_id) \
  X(job_state)
#define XALT_KEY_run_userT_syshost "syshost"
#define XALT_KEY_run_userT_run_uuid "run_uuid"
#define XALT_KEY_run_userT_exec_path "exec_path"
#define XALT_KEY_run_userT_exec_type "exec_type"
#define XALT_KEY_run_userT_cwd "cwd"
#define XALT_KEY_run_userT_currentEpoch "currentEpoch"
#define XALT_KEY_run_userT_start_date "start_date"
#define XALT_KEY_run_userT_user "user"
#define XALT_KEY_run_userT_container "container"
#define XALT_KEY_run_userT_execModify "execModify"
#define XALT_KEY_run_userT_scheduler "scheduler"
#define XALT_KEY_run_userT_account "account"
#define XALT_KEY_run_userT_job_id "job_id"
#define XALT_KEY_run_userT_queue "queue"
#define XALT_KEY_run_userT_submit_host "submit_host"
#define XALT_KEY_run_userT_host "host"
#define XALT_KEY_run_userT_job_step "job_step"
#define XALT_KEY_run_userT_end_reason "end_reason"
#define XALT_KEY_run_userT_exec_build_id "exec_build_id"
#define XALT_KEY_run_userT_parent_run_uuid "parent_run_uuid"
#define XALT_KEY_run_userT_start_policy "start_policy"
#define XALT_KEY_run_userT_exec_identity "exec_identity"
#define XALT_KEY_run_userT_array_job_id "array_job_id"
#define XALT_KEY_run_userT_array_task_id "array_task_id"
#define XALT_KEY_run_userT_job_state "job_state"

/* run_userDT */
#define XALT_RUN_USERDT_MEMBERS(X) \
  X(Build_Epoch) \
  X(start_time) \
  X(end_time) \
  X(run_time) \
  X(probability) \
  X(num_tasks) \
  X(num_gpus) \
  X(exec_epoch) \
  X(num_threads) \
  X(num_cores) \
  X(num_nodes) \
  X(exit_status) \
  X(signal) \
  X(gpu_used) \
  X(cpus_per_task) \
  X(schema_version)
#define XALT_KEY_run_userDT_Build_Epoch "Build_Epoch"
#define XALT_KEY_run_userDT_start_time "start_time"
#define XALT_KEY_run_userDT_end_time "end_time"
#define XALT_KEY_run_userDT_run_time "run_time"
#define XALT_KEY_run_userDT_probability "probability"
#define XALT_KEY_run_userDT_num_tasks "num_tasks"
#define XALT_KEY_run_userDT_num_gpus "num_gpus"
#define XALT_KEY_run_userDT_exec_epoch "exec_epoch"
#define XALT_KEY_run_userDT_num_threads "num_threads"
#define XALT_KEY_run_userDT_num_cores "num_cores"
#define XALT_KEY_run_userDT_num_nodes "num_nodes"
#define XALT_KEY_run_userDT_exit_status "exit_status"
#define XALT_KEY_run_userDT_signal "signal"
#define XALT_KEY_run_userDT_gpu_used "gpu_used"
#define XALT_KEY_run_userDT_cpus_per_task "cpus_per_task"
#define XALT_KEY_run_userDT_schema_version "schema_version"

/* link */
#define XALT_LINK_MEMBERS(X) \
  X(crc) \
  X(resultT) \
  X(linkA) \
  X(function) \
  X(link_line)
#define XALT_KEY_link_crc "crc"
#define XALT_KEY_link_resultT "resultT"
#define XALT_KEY_link_linkA "linkA"
#define XALT_KEY_link_function "function"
#define XALT_KEY_link_link_line "link_line"

/* link_resultT */
#define XALT_LINK_RESULTT_MEMBERS(X) \
  X(uuid) \
  X(link_program) \
  X(link_path) \
  X(build_user) \
  X(build_epoch) \
  X(exec_path) \
  X(hash_id) \
  X(wd) \
  X(build_syshost) \
  X(build_host) \
  X(build_id) \
  X(link_source) \
  X(shared)
#define XALT_KEY_link_resultT_uuid "uuid"
#define XALT_KEY_link_resultT_link_program "link_program"
#define XALT_KEY_link_resultT_link_path "link_path"
#define XALT_KEY_link_resultT_build_user "build_user"
#define XALT_KEY_link_resultT_build_epoch "build_epoch"
#define XALT_KEY_link_resultT_exec_path "exec_path"
#define XALT_KEY_link_resultT_hash_id "hash_id"
#define XALT_KEY_link_resultT_wd "wd"
#define XALT_KEY_link_resultT_build_syshost "build_syshost"
#define XALT_KEY_link_resultT_build_host "build_host"
#define XALT_KEY_link_resultT_build_id "build_id"
#define XALT_KEY_link_resultT_link_source "link_source"
#define XALT_KEY_link_resultT_shared "shared"

/* pkg */
#define XALT_PKG_MEMBERS(X) \
  X(crc) \
  X(program) \
  X(xalt_run_uuid) \
  X(package_version) \
  X(package_name) \
  X(package_path) \
  X(program_version) \
  X(job_id) \
  X(import_time)
#define XALT_KEY_pkg_crc "crc"
#define XALT_KEY_pkg_program "program"
#define XALT_KEY_pkg_xalt_run_uuid "xalt_run_uuid"
#define XALT_KEY_pkg_package_version "package_version"
#define XALT_KEY_pkg_package_name "package_name"
#define XALT_KEY_pkg_package_path "package_path"
#define XALT_KEY_pkg_program_version "program_version"
#define XALT_KEY_pkg_job_id "job_id"
#define XALT_KEY_pkg_import_time "import_time"

#endif
