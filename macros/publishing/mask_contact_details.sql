{#- Free text as the marts publish it: e-mail addresses replaced by [email] and telephone
    numbers by [phone], so a deal or account name typed as "Acme - jane@acme.com" or a loss
    reason quoting a number does not carry a contact's details into every BI tool. The var
    mask_contact_details (default true) turns it off.

    What counts as a telephone number (written the way people type them, never a plain run of
    digits such as an order number or a year range):
      - a number starting with + and a country code: +1 415 555 0132, +44 (0)20 7946 0958,
        +49-30-1234567, +4930123456 (eight digits or more when written without separators);
      - an area code in parentheses: (415) 555-0132, (020) 7946 0958;
      - three, three and four digits with separators: 415-555-0132, 415.555.0132, 415 555 0132.
    An e-mail address: name@domain.tld. -#}
{% macro mask_contact_details(expression) -%}
    {%- if var('mask_contact_details', true) -%}
        {%- set email = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}' -%}
        {%- set phone = '\\+\\d{8,15}|\\+\\d{1,3}[ .-]?(\\(\\d{1,4}\\) ?)?(\\d{1,8}[ ./-]){1,4}\\d{2,8}|\\(\\d{2,5}\\) ?\\d{3,4}[ .-]?\\d{3,5}|\\d{3}[ .-]\\d{3}[ .-]\\d{4}' -%}
        {{ regexp_replace_all(regexp_replace_all(expression, email, '[email]'), phone, '[phone]') }}
    {%- else -%}
        {{ expression }}
    {%- endif -%}
{%- endmacro %}
