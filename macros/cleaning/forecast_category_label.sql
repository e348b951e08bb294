{#- A forecast category as its label, whichever way the export writes it: Data Loader and the
    Bulk API write OpportunityHistory.ForecastCategory (and OpportunityStage.ForecastCategory)
    as API values (Pipeline, BestCase, MostLikely, Forecast, Closed, Omitted), reports and
    Opportunity.ForecastCategoryName as labels (Pipeline, Best Case, Most Likely, Commit,
    Closed, Omitted). The API value Forecast is the label Commit. Case and spaces do not
    matter; any other value is kept as written (trimmed). -#}
{% macro forecast_category_label(expression) -%}
    case lower(replace({{ expression }}, ' ', ''))
        when 'pipeline' then 'Pipeline'
        when 'bestcase' then 'Best Case'
        when 'mostlikely' then 'Most Likely'
        when 'forecast' then 'Commit'
        when 'commit' then 'Commit'
        when 'closed' then 'Closed'
        when 'omitted' then 'Omitted'
        else {{ expression }}
    end
{%- endmacro %}
