{#- How precisely the marts publish each kind of number: the one place of the rule
    (docs/kpi_definitions.md, conventions, "Money" and "Precision").
    - amount: money in the corporate currency, decimal(18, 2) (revops_number_type('amount')):
      cents, rounded half away from zero;
    - rate: rates, shares, ratios, percentiles and probabilities: 6 decimal places;
    - days: durations in days: 6 places (a tenth of a second);
    - minutes: durations in minutes: 4 places (6 milliseconds).
    Every kind but money stays a double, holding the value of its rounded decimal. -#}
{% macro publish_places(kind) -%}
    {%- set places = {'amount': 2, 'rate': 6, 'days': 6, 'minutes': 4} -%}
    {%- if kind not in places -%}
        {{ exceptions.raise_compiler_error(
            "publish_round: unknown kind '" ~ kind ~ "' (one of " ~ (places.keys() | list | join(', ')) ~ ")") }}
    {%- endif -%}
    {{ return(places[kind]) }}
{%- endmacro %}

{#- expr as a decimal rounded to the published precision of its kind (see publish_places),
    half away from zero, the same on DuckDB, PostgreSQL and Spark. In two casts: first to 9
    places, which takes off a double's binary representation error (0.0628125 days, 5,427
    seconds, is the double 0.06281249999999999...: DuckDB would round it down where PostgreSQL,
    which reads a double to 15 digits, rounds it up), then to the kind's places, where a decimal
    tie is a tie on every engine. PostgreSQL has no round() of a double. -#}
{% macro publish_decimal(expr, kind) -%}
    {%- set type = revops_number_type('amount') if kind == 'amount' else 'decimal(38, ' ~ publish_places(kind) ~ ')' -%}
    cast(cast({{ expr }} as decimal(38, 9)) as {{ type }})
{%- endmacro %}

{#- expr rounded to the published precision of its kind: money a decimal(18, 2), any other
    kind a double holding the rounded value. -#}
{% macro publish_round(expr, kind) -%}
    {%- if kind == 'amount' -%}
        {{ publish_decimal(expr, kind) }}
    {%- else -%}
        cast({{ publish_decimal(expr, kind) }} as {{ type_double() }})
    {%- endif -%}
{%- endmacro %}

{#- The exact sum of expr, each value rounded to the published precision of its kind first:
    a sum of decimals does not depend on the order the rows are added in (a sum of doubles
    does, in its last bits, and so differs between two builds on several threads), and it is
    the sum of the values the row-level marts publish. Money stays a decimal(18, 2); any other
    kind is handed on as the double of that exact sum, like the doubles it sums (the same
    type on every engine: PostgreSQL's sum of a numeric has no fixed scale). -#}
{% macro publish_sum(expr, kind) -%}
    cast(
        sum({{ publish_decimal(expr, kind) }})
        as {{ revops_number_type('amount') if kind == 'amount' else type_double() }}
    )
{%- endmacro %}

{#- The kind of a mart's contract column (see select_contract_columns): none for a column
    that is not a number with decimals; else its `config: meta: publish_precision`, or the
    kind the words of its name say: a rate (`rate`, `ratio`, `share`, `percentile`,
    `threshold`, `probability`; so `win_rate_amount`, an amount-weighted rate, is a rate),
    else money (`amount`), else days (`days`), else minutes (`minutes`). A money column must
    be decimal(18, 2); a number with decimals of no known kind stops the compilation, so that
    no new column is published unrounded. -#}
{% macro publish_kind(column, model_name) -%}
    {%- set data_type = (column.data_type or '') | lower | replace(' ', '') -%}
    {%- set is_decimal = data_type.startswith('decimal') or data_type.startswith('numeric') -%}
    {%- set is_double = data_type in ['float8', 'double', 'doubleprecision', 'float', 'real'] -%}
    {%- if not (is_decimal or is_double) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set meta = (column.config or {}).get('meta') or column.meta or {} -%}
    {%- set words = (column.name | lower).split('_') -%}
    {%- set rate_words = ['rate', 'ratio', 'share', 'percentile', 'threshold', 'probability'] -%}
    {%- if meta.get('publish_precision') -%}
        {%- set kind = meta.get('publish_precision') -%}
    {%- elif words | select('in', rate_words) | list | length > 0 -%}
        {%- set kind = 'rate' -%}
    {%- elif 'amount' in words -%}
        {%- set kind = 'amount' -%}
    {%- elif 'days' in words -%}
        {%- set kind = 'days' -%}
    {%- elif 'minutes' in words -%}
        {%- set kind = 'minutes' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            model_name ~ "." ~ column.name ~ " (" ~ column.data_type ~ "): no published precision; name it by its kind"
            ~ " (amount, days, minutes, rate, ...) or set config: meta: publish_precision") }}
    {%- endif -%}
    {%- if kind == 'amount' and data_type != 'decimal(18,2)' -%}
        {{ exceptions.raise_compiler_error(
            model_name ~ "." ~ column.name ~ " is money: its contract data_type must be decimal(18, 2), not "
            ~ column.data_type) }}
    {%- endif -%}
    {{ return(kind) }}
{%- endmacro %}
