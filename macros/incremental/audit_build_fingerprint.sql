{#- A fingerprint of everything besides the raw row itself that decides how an audit
    table parses and checks a row: the object's column spec, the export's time zone and
    encoding, the source mode, the amount ceiling (max_plausible_amount), and the model's own
    code. An incremental run reuses a stored row only when it was written under the same
    fingerprint; after a change to any of these every row is parsed again (as after
    --full-refresh). Changes to the project's macros
    are not seen here: after upgrading the project, build once with --full-refresh. -#}
{% macro audit_build_fingerprint(table_name) -%}
    {%- set spec = salesforce_object_spec(table_name) -%}
    {%- set parts = [
        spec | tojson,
        var('crm_export_timezone'),
        var('crm_export_encoding'),
        crm_source_mode(),
        var('max_plausible_amount') | string,
        model.checksum.checksum if model is defined and model.checksum is defined else '',
    ] -%}
    {{ return(local_md5(parts | join('|'))) }}
{%- endmacro %}
