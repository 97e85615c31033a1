# GENERATED from src/schema by xalt's build — do not edit.
"""The pkg record contract for xalt's import hook (src/schema/pkg-record.ts).

PKG_MEMBERS: the members of a pkg record, in the order serializeRecord writes them ("crc"
first); PKG_REQUIRED: those a record must have; SCHEMA_VERSION: the version of xalt's record
extensions (run records carry it in userDT.schema_version).
"""

SCHEMA_VERSION = 2

PKG_MEMBERS = ("crc", "program", "xalt_run_uuid", "package_version", "package_name", "package_path", "program_version", "job_id", "import_time",)

PKG_REQUIRED = ("crc", "program", "xalt_run_uuid", "package_name",)
