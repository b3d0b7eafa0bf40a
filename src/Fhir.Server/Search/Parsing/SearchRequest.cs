using System.Globalization;
using Fhir.Server.Features.Outcomes;

namespace Fhir.Server.Search.Parsing;

/// <summary>One <c>name=value</c> pair of a search, as given (values still comma-joined).</summary>
public sealed record SearchArgument(string Name, string Value);

public enum TotalMode { Default, None, Estimate, Accurate }

public enum SummaryMode { None, True, Count, Data, Text, False }

/// <summary>An _include or _revinclude: <c>Source:param[:Target]</c>, optionally iterated.</summary>
public sealed record IncludeSpec(string SourceType, string Param, string? TargetType, bool Iterate, bool Reverse);

/// <summary>A _sort key: parameter code, descending or not.</summary>
public sealed record SortKey(string Code, bool Descending);

/// <summary>
/// A parsed search request: the filter arguments and the result parameters.
/// https://hl7.org/fhir/R4/search.html#return
/// </summary>
public sealed class SearchRequest
{
    public List<SearchArgument> Filters { get; } = [];
    public int? Count { get; set; }
    public List<SortKey> Sort { get; } = [];
    public TotalMode Total { get; set; }
    public SummaryMode Summary { get; set; }
    public List<string>? Elements { get; set; }
    public List<IncludeSpec> Includes { get; } = [];
    public List<string>? Types { get; set; }
    public string? Cursor { get; set; }
    /// <summary>_contained: false (the default), true or both. https://hl7.org/fhir/R4/search.html#contained</summary>
    public string Contained { get; set; } = "false";

    /// <summary>_containedType: whether a contained match is returned as its container (the default) or as itself.</summary>
    public string ContainedType { get; set; } = "container";
    public bool Strict { get; set; }

    /// <summary>Arguments that were ignored (lenient handling), reported in the Bundle.</summary>
    public List<string> Ignored { get; } = [];

    /// <summary>The arguments that define the search (everything but the cursor), for links.</summary>
    public List<SearchArgument> Arguments { get; } = [];

    /// <summary>Splits a URL query or form body; '+' is a space, as in HTML forms.</summary>
    public static List<SearchArgument> ParseQuery(string query)
    {
        var result = new List<SearchArgument>();
        if (query.StartsWith('?'))
            query = query[1..];
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = Decode(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Decode(part[(eq + 1)..]);
            result.Add(new SearchArgument(name, value));
        }
        return result;

        static string Decode(string s)
        {
            try
            {
                return Uri.UnescapeDataString(s.Replace('+', ' '));
            }
            catch (UriFormatException)
            {
                throw FhirException.BadRequest($"'{s}' is not a valid URL-encoded value");
            }
        }
    }

    /// <summary>Splits on commas that are not escaped with a backslash, and unescapes \, \$ \| \\.</summary>
    public static List<string> SplitOr(string value)
    {
        var result = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && value[i + 1] is ',' or '\\')
            {
                current.Append(value[++i]);
                continue;
            }
            if (c == ',')
            {
                result.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        result.Add(current.ToString());
        return result;
    }

    public static SearchRequest Parse(IEnumerable<SearchArgument> arguments, bool strict, int defaultCount, int maxCount)
    {
        var request = new SearchRequest { Strict = strict };
        foreach (var argument in arguments)
        {
            var (name, value) = (argument.Name, argument.Value);
            if (name != "_cursor")
                request.Arguments.Add(argument);
            switch (name)
            {
                case "_count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                        throw FhirException.BadRequest($"_count={value} is not a whole number of zero or more");
                    request.Count = Math.Min(count, maxCount);
                    break;
                case "_sort":
                    foreach (var key in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        request.Sort.Add(key.StartsWith('-') ? new SortKey(key[1..], true) : new SortKey(key, false));
                    break;
                case "_total":
                    request.Total = value switch
                    {
                        "none" => TotalMode.None,
                        "estimate" => TotalMode.Estimate,
                        "accurate" => TotalMode.Accurate,
                        _ => throw FhirException.BadRequest($"_total={value} is not one of none, estimate, accurate"),
                    };
                    break;
                case "_summary":
                    request.Summary = value switch
                    {
                        "true" => SummaryMode.True,
                        "count" => SummaryMode.Count,
                        "data" => SummaryMode.Data,
                        "text" => SummaryMode.Text,
                        "false" => SummaryMode.False,
                        _ => throw FhirException.BadRequest($"_summary={value} is not one of true, count, data, text, false"),
                    };
                    break;
                case "_elements":
                    (request.Elements ??= []).AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "_include" or "_include:iterate" or "_include:recurse" or "_revinclude" or "_revinclude:iterate" or "_revinclude:recurse":
                    foreach (var spec in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                        request.Includes.Add(ParseInclude(name, spec));
                    break;
                case "_type":
                    (request.Types ??= []).AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "_cursor":
                    request.Cursor = value;
                    break;
                case "_contained":
                    if (value is not ("true" or "false" or "both"))
                        throw FhirException.BadRequest($"_contained={value} is not one of true, false, both");
                    request.Contained = value;
                    break;
                case "_containedType":
                    if (value is not ("container" or "contained"))
                        throw FhirException.BadRequest($"_containedType={value} is not one of container, contained");
                    request.ContainedType = value;
                    break;
                case "_format" or "_pretty":
                    break;
                default:
                    request.Filters.Add(argument);
                    break;
            }
        }
        request.Count ??= defaultCount;
        return request;
    }

    private static IncludeSpec ParseInclude(string name, string spec)
    {
        var parts = spec.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
            throw FhirException.BadRequest($"{name}={spec} is not Type:parameter or Type:parameter:TargetType");
        return new IncludeSpec(parts[0], parts[1], parts.Length == 3 ? parts[2] : null,
            name.EndsWith(":iterate", StringComparison.Ordinal) || name.EndsWith(":recurse", StringComparison.Ordinal),
            name.StartsWith("_revinclude", StringComparison.Ordinal));
    }
}
