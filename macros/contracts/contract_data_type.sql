{#- A data_type of a mart's YAML contract as the target spells it. The contracts use the
    spellings DuckDB and PostgreSQL share (varchar, float8, decimal(18, 2), bigint, ...);
    Spark has no varchar without a length and no float8. -#}
{% macro contract_data_type(data_type) -%}
    {{ return(adapter.dispatch('contract_data_type', 'revops_kpis')(data_type)) }}
{%- endmacro %}

{% macro default__contract_data_type(data_type) -%}
    {{ return(data_type) }}
{%- endmacro %}

{% macro spark__contract_data_type(data_type) -%}
    {%- set spelled = {'varchar': 'string', 'text': 'string', 'float8': 'double', 'double precision': 'double'} -%}
    {{ return(spelled.get(data_type | lower | trim, data_type)) }}
{%- endmacro %}
