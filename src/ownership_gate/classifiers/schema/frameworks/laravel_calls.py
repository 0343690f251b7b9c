"""The names a Laravel migration's code may call, by what they do (the walk: laravel_walk.py)."""

from __future__ import annotations

# `DB::` methods that run the SQL text they are given.
SQL_METHODS = frozenset({
    "statement", "unprepared", "insert", "update", "delete", "affectingStatement", "select", "selectOne",
    "scalar", "selectFromWriteConnection", "cursor", "selectResultSets",
})
# `DB::` methods that run no SQL of the caller's: questions, transactions, values.
DB_METHODS = frozenset({
    "raw", "getDriverName", "getTablePrefix", "getDatabaseName", "getName", "getConfig", "beginTransaction",
    "commit", "rollBack", "transactionLevel", "escape", "listen", "enableQueryLog", "disableQueryLog",
    "getQueryLog", "flushQueryLog", "logging", "getDefaultConnection", "getServerVersion", "isMaria",
    "afterCommit", "getSchemaGrammar", "getQueryGrammar", "getPostProcessor", "purge", "reconnect",
    "disconnect", "getTableListing",
})
# `Schema::` methods that change nothing: questions, and settings of later Blueprints.
SCHEMA_METHODS = frozenset({
    "hasTable", "hasView", "hasColumn", "hasColumns", "hasIndex", "hasForeignKey", "getTables", "getTableListing",
    "getAllTables", "getViews", "getTypes", "getColumnType", "getColumnListing", "getColumns", "getIndexes",
    "getIndexListing", "getForeignKeys", "getSchemas", "getCurrentSchemaListing", "getCurrentSchemaName",
    "parseSchemaAndTable", "enableForeignKeyConstraints", "disableForeignKeyConstraints", "defaultStringLength",
    "defaultTimePrecision", "defaultMorphKeyType", "morphUsingUuids", "morphUsingUlids",
})
# Methods of a query builder or a model that write rows.
DATA_METHODS = frozenset({
    "insert", "insertOrIgnore", "insertGetId", "insertUsing", "insertOrIgnoreUsing", "update", "updateFrom",
    "updateOrInsert", "upsert", "increment", "decrement", "incrementEach", "decrementEach", "delete",
    "forceDelete", "create", "findOrCreate", "createMany", "createQuietly", "createOrFirst", "firstOrCreate",
    "updateOrCreate",
    "forceCreate", "forceCreateQuietly", "save", "saveQuietly", "saveMany", "saveOrFail", "push", "pushQuietly",
    "touch", "restore", "destroy", "updateQuietly", "deleteQuietly", "deleteOrFail", "sync",
    "syncWithoutDetaching", "attach", "detach", "toggle", "updateExistingPivot",
})
# Classes whose static methods compute values and touch no table (not models).
VALUE_CLASSES = frozenset({
    "Str", "Arr", "Carbon", "CarbonImmutable", "Date", "DateTime", "DateTimeImmutable", "Hash", "Crypt", "Log",
    "Cache", "Config", "Lang", "Uuid", "Ulid", "Number", "Collection", "LazyCollection", "Storage", "File",
    "Validator", "Closure",
})
# Classes whose static methods run other code: commands, processes, jobs.
RUNS_CODE = frozenset({"Artisan", "Process", "Bus", "Queue"})
# Functions that call the closure they are given once, where they are called.
ONCE_FUNCTIONS = frozenset({"rescue", "tap", "value", "with", "transform", "optional"})
# PHP's and Laravel's functions that compute values (those taking a callback may call it any number of times).
FUNCTIONS = frozenset({
    "now", "today", "config", "env", "collect", "app_path", "base_path", "database_path", "storage_path",
    "resource_path", "public_path", "trans", "__", "info", "logger", "report", "bcrypt", "e", "str", "data_get",
    "head", "last", "blank", "filled", "class_basename", "throw_if", "throw_unless", "retry", "dump", "dd",
    "count", "sizeof", "in_array", "is_array", "is_null", "is_string", "is_int", "is_numeric", "is_bool",
    "is_object", "is_callable", "isset", "empty", "array_map", "array_filter", "array_walk", "array_keys",
    "array_values", "array_merge", "array_combine", "array_flip", "array_unique", "array_slice", "array_chunk",
    "array_column", "array_fill", "array_fill_keys", "array_diff", "array_diff_key", "array_intersect",
    "array_intersect_key", "array_search", "array_reverse", "array_key_exists", "array_key_first",
    "array_key_last", "array_pop", "array_push", "array_shift", "array_unshift", "array_sum", "array_reduce",
    "range", "implode", "explode", "join", "sprintf", "vsprintf", "printf", "number_format", "str_replace",
    "str_contains", "str_starts_with", "str_ends_with", "str_pad", "str_repeat", "str_split", "strlen",
    "strtolower", "strtoupper", "ucfirst", "lcfirst", "ucwords", "substr", "strpos", "stripos", "strrpos", "trim",
    "ltrim", "rtrim", "mb_strtolower", "mb_strtoupper", "mb_substr", "mb_strlen", "preg_match", "preg_match_all",
    "preg_replace", "preg_replace_callback", "preg_split", "preg_quote", "json_encode", "json_decode",
    "serialize", "unserialize", "md5", "sha1", "hash", "hash_hmac", "crc32", "base64_encode", "base64_decode",
    "bin2hex", "hex2bin", "random_bytes", "random_int", "rand", "mt_rand", "uniqid", "intval", "floatval",
    "strval", "boolval", "settype", "gettype", "get_class", "max", "min", "abs", "round", "floor", "ceil",
    "date", "time", "strtotime", "microtime", "htmlspecialchars", "html_entity_decode", "strip_tags", "nl2br",
    "urlencode", "rawurlencode", "http_build_query", "parse_url", "basename", "dirname", "pathinfo", "compact",
    "extract", "array_is_list", "iterator_to_array", "usort", "uasort", "uksort", "sort", "ksort", "asort",
    "rsort", "krsort", "arsort", "method_exists", "property_exists", "class_exists", "function_exists",
    "defined", "constant", "ini_set", "set_time_limit", "error_log", "trigger_error", "var_export", "print_r",
    "mb_convert_encoding", "iconv", "array_splice", "array_rand", "shuffle", "sleep", "usleep", "pow", "sqrt", "intdiv",
    "fmod", "str_random", "str_slug", "str_plural", "str_singular", "snake_case", "camel_case", "studly_case",
    "array_get", "array_only", "array_except", "array_pluck",
})


