using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.FhirPath;

namespace Fhir.Server.Search.Extraction;

/// <summary>
/// Extracts the index values of a resource for its search parameters: evaluates each parameter's
/// FHIRPath expression and turns every result into typed entries following the rules of
/// https://hl7.org/fhir/R4/search.html (per parameter type) and the type table at
/// https://hl7.org/fhir/R4/searchparameter-registry.html. Thread-safe; expressions are compiled once.
/// </summary>
public sealed class SearchValueExtractor
{
    private static readonly Lazy<SearchValueExtractor> LazyDefault = new(() => new SearchValueExtractor(FhirDefinitions.Default));

    private readonly FhirDefinitions _definitions;
    private readonly Dictionary<string, SearchParameterDefinition> _byUrl;
    private readonly ConcurrentDictionary<string, Plan[]> _byType = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Dictionary<string, string?>> _codeSystems = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<SearchParameterDefinition, Plan> _plans = new();

    public SearchValueExtractor(FhirDefinitions definitions)
    {
        _definitions = definitions;
        _byUrl = new Dictionary<string, SearchParameterDefinition>(StringComparer.Ordinal);
        foreach (var p in definitions.SearchParameters) _byUrl.TryAdd(p.Url, p);
    }

    /// <summary>The extractor over <see cref="FhirDefinitions.Default"/>.</summary>
    public static SearchValueExtractor Default => LazyDefault.Value;

    /// <summary>
    /// Entries for every search parameter of the resource's type that has an expression. A parameter
    /// whose expression fails on this resource is skipped and reported to <paramref name="onError"/>.
    /// </summary>
    public IReadOnlyList<SearchIndexEntry> ExtractAll(JsonElement resource, Action<SearchParameterDefinition, FhirPathException>? onError = null)
    {
        if (!resource.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String)
            throw new ArgumentException("Not a FHIR resource: no resourceType", nameof(resource));
        var plans = _byType.GetOrAdd(rt.GetString()!, t => _definitions.SearchParametersFor(t)
            .Where(p => p.Expression is not null && p.Type != "special")
            .Select(p => CreatePlan(p, t))
            .ToArray());
        var focus = Navigation.ForType(resource, "Resource", _definitions);
        var context = ContextFor(focus);
        var output = new List<SearchIndexEntry>();
        foreach (var plan in plans)
        {
            try
            {
                Extract(focus, context, plan, output);
            }
            catch (FhirPathException e)
            {
                onError?.Invoke(plan.Parameter, e);
            }
        }
        return output;
    }

    /// <summary>
    /// Entries for the given parameters (e.g. the official ones plus custom SearchParameter resources
    /// after a <c>$reindex</c>). Compiled plans are cached per parameter instance.
    /// </summary>
    public IReadOnlyList<SearchIndexEntry> ExtractAll(JsonElement resource, IEnumerable<SearchParameterDefinition> parameters,
        Action<SearchParameterDefinition, FhirPathException>? onError = null)
    {
        var focus = Navigation.ForType(resource, "Resource", _definitions);
        var context = ContextFor(focus);
        var output = new List<SearchIndexEntry>();
        foreach (var parameter in parameters)
        {
            if (parameter.Expression is null || parameter.Type == "special") continue;
            try
            {
                Extract(focus, context, _plans.GetValue(parameter, CreatePlan), output);
            }
            catch (FhirPathException e)
            {
                onError?.Invoke(parameter, e);
            }
        }
        return output;
    }

    /// <summary>Entries for one parameter.</summary>
    /// <exception cref="FhirPathException">The expression cannot be compiled or evaluated on this resource.</exception>
    public IReadOnlyList<SearchIndexEntry> Extract(JsonElement resource, SearchParameterDefinition parameter)
    {
        var output = new List<SearchIndexEntry>();
        if (parameter.Expression is null) return output;
        var focus = Navigation.ForType(resource, "Resource", _definitions);
        Extract(focus, ContextFor(focus), _plans.GetValue(parameter, CreatePlan), output);
        return output;
    }

    /// <summary>A parameter with its expressions compiled and, for composites, its components resolved.</summary>
    private sealed record Plan(SearchParameterDefinition Parameter, CompiledFhirPath Expression, SearchIndexKind? Kind, ComponentPlan[]? Components);

    private sealed record ComponentPlan(string Code, SearchIndexKind Kind, CompiledFhirPath Expression);

    private Plan CreatePlan(SearchParameterDefinition parameter) => CreatePlan(parameter, null);

    /// <summary>With <paramref name="resourceType"/>, the plan is only used for resources of that type (see <see cref="FhirPathCompiler.CompileFor"/>).</summary>
    private Plan CreatePlan(SearchParameterDefinition parameter, string? resourceType)
    {
        var expression = resourceType is null
            ? FhirPathCompiler.Compile(parameter.Expression!)
            : FhirPathCompiler.CompileFor(parameter.Expression!, resourceType, _definitions.IsResourceType);
        if (parameter.Type != "composite") return new Plan(parameter, expression, KindOf(parameter.Type), null);
        var components = new List<ComponentPlan>();
        foreach (var component in parameter.Components)
        {
            if (!_byUrl.TryGetValue(component.Definition, out var definition) || KindOf(definition.Type) is not { } kind)
                return new Plan(parameter, expression, null, null);
            components.Add(new ComponentPlan(definition.Code, kind, FhirPathCompiler.Compile(component.Expression)));
        }
        return components.Count == 0 ? new Plan(parameter, expression, null, null) : new Plan(parameter, expression, SearchIndexKind.Composite, [.. components]);
    }

    private FhirPathContext ContextFor(FhirPathNode resource) => new() { Definitions = _definitions, LenientAs = true, Resource = resource };

    private void Extract(FhirPathNode resource, FhirPathContext context, Plan plan, List<SearchIndexEntry> output)
    {
        if (plan.Kind is not { } kind) return;
        var values = plan.Expression.Evaluate(resource, context);
        if (values.Count == 0) return;
        if (plan.Components is { } components)
        {
            foreach (var value in values) AddComposite(plan.Parameter.Code, components, value, context, output);
            return;
        }
        int start = output.Count;
        foreach (var value in values) ToEntries(kind, plan.Parameter.Code, value, output);
        Deduplicate(output, start);
    }

    private static void Deduplicate(List<SearchIndexEntry> output, int start)
    {
        if (output.Count - start < 2) return;
        var seen = new HashSet<SearchIndexEntry>();
        int write = start;
        for (int read = start; read < output.Count; read++)
        {
            if (seen.Add(output[read])) output[write++] = output[read];
        }
        output.RemoveRange(write, output.Count - write);
    }

    private static SearchIndexKind? KindOf(string type) => type switch
    {
        "number" => SearchIndexKind.Number,
        "date" => SearchIndexKind.Date,
        "string" => SearchIndexKind.String,
        "token" => SearchIndexKind.Token,
        "reference" => SearchIndexKind.Reference,
        "quantity" => SearchIndexKind.Quantity,
        "uri" => SearchIndexKind.Uri,
        _ => null,
    };

    private void AddComposite(string code, ComponentPlan[] components, FhirPathValue focus, FhirPathContext context, List<SearchIndexEntry> output)
    {
        var perComponent = new List<SearchIndexEntry>[components.Length];
        for (int i = 0; i < components.Length; i++)
        {
            var component = components[i];
            var entries = new List<SearchIndexEntry>();
            foreach (var value in component.Expression.Evaluate(focus, context))
            {
                int before = entries.Count;
                ToEntries(component.Kind, component.Code, value, entries);
                // R4's DocumentReference-relationship names its components' definitions the wrong way round
                // (code → the reference parameter, target → the token one); index the value by what it is.
                if (entries.Count == before && KindOfValue(value) is { } actual && actual != component.Kind)
                    ToEntries(actual, component.Code, value, entries);
            }
            Deduplicate(entries, 0);
            if (entries.Count == 0) return;
            perComponent[i] = entries;
        }
        // Every combination: a CodeableConcept with two codings pairs each coding with the value.
        IEnumerable<IReadOnlyList<SearchIndexEntry>> combinations = [[]];
        foreach (var entries in perComponent)
            combinations = combinations.SelectMany(prefix => entries.Select(e => (IReadOnlyList<SearchIndexEntry>)[.. prefix, e]));
        foreach (var combination in combinations.Take(1000)) output.Add(new CompositeIndexEntry(code, combination));
    }

    private static SearchIndexKind? KindOfValue(FhirPathValue value) => value is FhirPathNode node ? node.FhirType switch
    {
        "Reference" or "canonical" => SearchIndexKind.Reference,
        "code" or "Coding" or "CodeableConcept" or "Identifier" or "boolean" => SearchIndexKind.Token,
        "Quantity" or "Age" or "Duration" or "Money" or "Range" => SearchIndexKind.Quantity,
        "date" or "dateTime" or "instant" or "Period" => SearchIndexKind.Date,
        "integer" or "decimal" or "positiveInt" or "unsignedInt" => SearchIndexKind.Number,
        _ => null,
    } : null;

    private void ToEntries(SearchIndexKind kind, string code, FhirPathValue value, List<SearchIndexEntry> output)
    {
        switch (kind)
        {
            case SearchIndexKind.String: Strings(code, value, output); break;
            case SearchIndexKind.Token: Tokens(code, value, output); break;
            case SearchIndexKind.Reference: References(code, value, output); break;
            case SearchIndexKind.Date: Dates(code, value, output); break;
            case SearchIndexKind.Number: Numbers(code, value, output); break;
            case SearchIndexKind.Quantity: Quantities(code, value, output); break;
            case SearchIndexKind.Uri:
                if (Text(value) is { Length: > 0 } uri) output.Add(new UriIndexEntry(code, uri));
                break;
        }
    }

    // ---- string: https://hl7.org/fhir/R4/search.html#string

    private static readonly string[] HumanNameParts = ["family", "given", "prefix", "suffix", "text"];
    private static readonly string[] AddressParts = ["line", "city", "district", "state", "postalCode", "country", "text"];

    private static void Strings(string code, FhirPathValue value, List<SearchIndexEntry> output)
    {
        if (value is FhirPathNode { Element.ValueKind: JsonValueKind.Object } node)
        {
            var parts = node.FhirType switch
            {
                "HumanName" => HumanNameParts,
                "Address" => AddressParts,
                _ => null,
            };
            if (parts is null)
            {
                // Other complex types (Annotation, Attachment...) are searched by their text-like parts.
                foreach (var p in (string[])["text", "display", "title", "value"]) AddStringProperty(code, node.Element, p, output);
                return;
            }
            foreach (var p in parts) AddStringProperty(code, node.Element, p, output);
            return;
        }
        if (Text(value) is { Length: > 0 } s) output.Add(new StringIndexEntry(code, s, SearchText.Normalize(s)));
    }

    private static void AddStringProperty(string code, JsonElement json, string name, List<SearchIndexEntry> output)
    {
        if (!json.TryGetProperty(name, out var v)) return;
        if (v.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } s) output.Add(new StringIndexEntry(code, s, SearchText.Normalize(s)));
            }
        }
        else if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s)
        {
            output.Add(new StringIndexEntry(code, s, SearchText.Normalize(s)));
        }
    }

    // ---- token: https://hl7.org/fhir/R4/search.html#token

    private void Tokens(string code, FhirPathValue value, List<SearchIndexEntry> output)
    {
        if (value is FhirPathNode { Element.ValueKind: JsonValueKind.Object } node)
        {
            var json = node.Element;
            switch (node.FhirType)
            {
                case "Coding":
                    AddCoding(code, json, null, output);
                    return;
                case "CodeableConcept":
                {
                    var text = Str(json, "text");
                    bool any = false;
                    if (json.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var coding in codings.EnumerateArray()) any |= AddCoding(code, coding, text, output);
                    }
                    if (!any && text is not null) output.Add(new TokenIndexEntry(code, null, null, text));
                    return;
                }
                case "Identifier":
                    IdentifierTokens(code, json, output);
                    return;
                case "ContactPoint":
                    if (Str(json, "value") is { } contact) output.Add(new TokenIndexEntry(code, null, contact, null));
                    return;
                case "Quantity":
                case "Age":
                case "Duration":
                case "Distance":
                case "Count":
                case "SimpleQuantity":
                    if (json.TryGetProperty("value", out var qv) && qv.ValueKind == JsonValueKind.Number)
                        output.Add(new TokenIndexEntry(code, Str(json, "system"), qv.GetRawText(), Str(json, "unit")));
                    return;
                case "Reference":
                    // A few R4 token parameters point at identifiers inside references.
                    if (json.TryGetProperty("identifier", out var identifier)) IdentifierTokens(code, identifier, output);
                    return;
                default:
                    return;
            }
        }
        switch (value)
        {
            case FhirPathNode { Element.ValueKind: JsonValueKind.True or JsonValueKind.False } b:
                output.Add(new TokenIndexEntry(code, null, b.Element.ValueKind == JsonValueKind.True ? "true" : "false", null));
                return;
            case FhirPathBoolean sb:
                output.Add(new TokenIndexEntry(code, null, sb.Value ? "true" : "false", null));
                return;
        }
        if (Text(value) is { Length: > 0 } s)
        {
            var system = value is FhirPathNode { FhirType: "code" } codeNode ? ImpliedSystem(codeNode, s) : null;
            output.Add(new TokenIndexEntry(code, system, s, null));
        }
    }

    /// <summary>
    /// A bare <c>code</c> takes its system from the required binding of its element when the value set
    /// holds that code in exactly one code system, so both <c>gender=male</c> and
    /// <c>gender=http://hl7.org/fhir/administrative-gender|male</c> match.
    /// </summary>
    private string? ImpliedSystem(FhirPathNode node, string value)
    {
        if (node.Definition?.Binding is not { IsRequired: true, ValueSet: { } valueSetUrl }) return null;
        var systems = _codeSystems.GetOrAdd(valueSetUrl, url =>
        {
            var map = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (_definitions.GetValueSet(url) is { IsExpandable: true } valueSet)
            {
                foreach (var (system, c) in valueSet.Concepts)
                {
                    map[c] = map.TryGetValue(c, out var existing) && existing != system ? null : system;
                }
            }
            return map;
        });
        return systems.GetValueOrDefault(value);
    }

    private static void IdentifierTokens(string code, JsonElement json, List<SearchIndexEntry> output)
    {
        if (json.ValueKind != JsonValueKind.Object) return;
        var system = Str(json, "system");
        var identifierValue = Str(json, "value");
        if (system is null && identifierValue is null) return;
        string? typeText = null;
        var typeCodings = new List<(string? System, string? Code)>();
        if (json.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Object)
        {
            typeText = Str(type, "text");
            if (type.TryGetProperty("coding", out var tc) && tc.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in tc.EnumerateArray()) typeCodings.Add((Str(c, "system"), Str(c, "code")));
            }
        }
        var text = typeText ?? Str(json, "assigner", "display");
        if (typeCodings.Count == 0) output.Add(new TokenIndexEntry(code, system, identifierValue, text));
        foreach (var (ts, tcode) in typeCodings)
            output.Add(new TokenIndexEntry(code, system, identifierValue, text) { TypeSystem = ts, TypeCode = tcode });
    }

    private static bool AddCoding(string code, JsonElement coding, string? conceptText, List<SearchIndexEntry> output)
    {
        if (coding.ValueKind != JsonValueKind.Object) return false;
        var system = Str(coding, "system");
        var c = Str(coding, "code");
        var display = Str(coding, "display");
        if (system is null && c is null && display is null) return false;
        output.Add(new TokenIndexEntry(code, system, c, display ?? conceptText));
        if (display is not null && conceptText is not null && conceptText != display)
            output.Add(new TokenIndexEntry(code, system, c, conceptText));
        return true;
    }

    // ---- reference: https://hl7.org/fhir/R4/search.html#reference

    private void References(string code, FhirPathValue value, List<SearchIndexEntry> output)
    {
        switch (value)
        {
            case FhirPathNode { Element.ValueKind: JsonValueKind.Object } node when node.FhirType == "Reference":
            {
                var json = node.Element;
                var entry = new ReferenceIndexEntry(code);
                bool any = false;
                if (Str(json, "reference") is { } reference)
                {
                    entry = reference.StartsWith('#')
                        ? entry with { Local = reference[1..], ResourceType = Str(json, "type") }
                        : ParseReference(entry, reference, Str(json, "type"));
                    any = true;
                }
                if (json.TryGetProperty("identifier", out var identifier) && identifier.ValueKind == JsonValueKind.Object)
                {
                    var system = Str(identifier, "system");
                    var idValue = Str(identifier, "value");
                    if (system is not null || idValue is not null)
                    {
                        entry = entry with { IdentifierSystem = system, IdentifierValue = idValue, ResourceType = entry.ResourceType ?? Str(json, "type") };
                        any = true;
                    }
                }
                if (any) output.Add(entry);
                return;
            }
            case FhirPathNode { Element.ValueKind: JsonValueKind.Object } resource when _definitions.IsResourceType(resource.FhirType):
                // Parameters such as Bundle.entry[0].resource point at a resource itself.
                output.Add(new ReferenceIndexEntry(code) { ResourceType = resource.FhirType, Id = Str(resource.Element, "id") });
                return;
            case FhirPathNode { FhirType: "canonical" } canonical when Text(canonical) is { Length: > 0 } url:
            {
                int bar = url.IndexOf('|');
                output.Add(new ReferenceIndexEntry(code)
                {
                    Url = bar < 0 ? url : url[..bar],
                    CanonicalVersion = bar < 0 ? null : url[(bar + 1)..],
                });
                return;
            }
            case FhirPathNode { FhirType: "uri" or "url" or "string" or "oid" or "uuid" }:
            case FhirPathString:
                if (Text(value) is { Length: > 0 } text)
                    output.Add(text.StartsWith('#') ? new ReferenceIndexEntry(code) { Local = text[1..] } : ParseReference(new ReferenceIndexEntry(code), text, null));
                return;
            default:
                return;
        }
    }

    private ReferenceIndexEntry ParseReference(ReferenceIndexEntry entry, string reference, string? declaredType)
    {
        bool absolute = reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal);
        var parsed = ReferenceParts.Parse(reference, _definitions.IsResourceType);
        if (absolute)
        {
            return entry with { Url = reference, ResourceType = parsed?.Type ?? declaredType, Id = parsed?.Id, Version = parsed?.Version };
        }
        if (parsed is not null) return entry with { ResourceType = parsed.Value.Type, Id = parsed.Value.Id, Version = parsed.Value.Version };
        return entry with { Url = reference, ResourceType = declaredType };
    }

    // ---- date: https://hl7.org/fhir/R4/search.html#date

    private static void Dates(string code, FhirPathValue value, List<SearchIndexEntry> output)
    {
        if (value is FhirPathNode { Element.ValueKind: JsonValueKind.Object } node)
        {
            switch (node.FhirType)
            {
                case "Period":
                {
                    var low = Bound(Str(node.Element, "start"), upper: false) ?? DateTimeOffset.MinValue;
                    var high = Bound(Str(node.Element, "end"), upper: true) ?? DateTimeOffset.MaxValue;
                    if (node.Element.TryGetProperty("start", out _) || node.Element.TryGetProperty("end", out _))
                        output.Add(new DateIndexEntry(code, low, high));
                    return;
                }
                case "Timing":
                {
                    // The schedule itself is ignored; the outer limits of the events and bounds count.
                    DateTimeOffset? low = null, high = null;
                    if (node.Element.TryGetProperty("event", out var events) && events.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var e in events.EnumerateArray())
                        {
                            if (e.ValueKind != JsonValueKind.String) continue;
                            var l = Bound(e.GetString(), false);
                            var h = Bound(e.GetString(), true);
                            if (l < low || low is null) low = l;
                            if (h > high || high is null) high = h;
                        }
                    }
                    if (node.Element.TryGetProperty("repeat", out var repeat) && repeat.TryGetProperty("boundsPeriod", out var bounds))
                    {
                        var l = Bound(Str(bounds, "start"), false) ?? DateTimeOffset.MinValue;
                        var h = Bound(Str(bounds, "end"), true) ?? DateTimeOffset.MaxValue;
                        if (l < low || low is null) low = l;
                        if (h > high || high is null) high = h;
                    }
                    if (low is not null && high is not null) output.Add(new DateIndexEntry(code, low.Value, high.Value));
                    return;
                }
                default:
                    return;
            }
        }
        var text = Text(value);
        if (text is null) return;
        if (Bound(text, false) is { } lower && Bound(text, true) is { } upper) output.Add(new DateIndexEntry(code, lower, upper));
    }

    /// <summary>The first or last instant a date/dateTime/instant covers, as UTC; null if it does not parse.</summary>
    public static DateTimeOffset? Bound(string? text, bool upper)
    {
        if (text is null || !PartialDateTime.TryParse(text, false, out var value)) return null;
        try
        {
            return upper ? value.UpperBoundUtc() : value.LowerBoundUtc();
        }
        catch (ArgumentOutOfRangeException)
        {
            return upper ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;
        }
    }

    // ---- number and quantity: https://hl7.org/fhir/R4/search.html#number, #quantity

    private static void Numbers(string code, FhirPathValue value, List<SearchIndexEntry> output)
    {
        if (Number(value) is { } d)
        {
            var (low, high) = PrecisionRange(d);
            output.Add(new NumberIndexEntry(code, d, low, high));
        }
    }

    private static void Quantities(string code, FhirPathValue value, List<SearchIndexEntry> output)
    {
        if (value is FhirPathNode { Element.ValueKind: JsonValueKind.Object } node)
        {
            var json = node.Element;
            if (node.FhirType == "Range")
            {
                json.TryGetProperty("low", out var lowQ);
                json.TryGetProperty("high", out var highQ);
                var lowValue = lowQ.ValueKind == JsonValueKind.Object ? Decimal(lowQ, "value") : null;
                var highValue = highQ.ValueKind == JsonValueKind.Object ? Decimal(highQ, "value") : null;
                if (lowValue is null && highValue is null) return;
                var unitSource = lowValue is not null ? lowQ : highQ;
                output.Add(new QuantityIndexEntry(code, null, lowValue ?? decimal.MinValue, highValue ?? decimal.MaxValue,
                    Str(unitSource, "system"), Str(unitSource, "code"), Str(unitSource, "unit")));
                return;
            }
            if (Decimal(json, "value") is not { } d) return;
            var (low, high) = PrecisionRange(d);
            if (node.FhirType == "Money")
            {
                output.Add(new QuantityIndexEntry(code, d, low, high, "urn:iso:std:iso:4217", Str(json, "currency"), Str(json, "currency")));
                return;
            }
            output.Add(new QuantityIndexEntry(code, d, low, high, Str(json, "system"), Str(json, "code"), Str(json, "unit")));
            return;
        }
        if (Number(value) is { } n)
        {
            var (low, high) = PrecisionRange(n);
            output.Add(new QuantityIndexEntry(code, n, low, high, null, null, null));
        }
    }

    /// <summary>The interval a decimal's written precision implies: ± half a unit in its last digit
    /// (https://hl7.org/fhir/R4/search.html#number: "100" means [99.5, 100.5]).</summary>
    public static (decimal Low, decimal High) PrecisionRange(decimal value)
    {
        int scale = value.Scale;
        if (scale >= 28) return (value, value);
        var half = 0.5m / Pow10(scale);
        return (value - half, value + half);
    }

    private static decimal Pow10(int n)
    {
        decimal r = 1m;
        for (int i = 0; i < n; i++) r *= 10m;
        return r;
    }

    private static decimal? Number(FhirPathValue value) => value switch
    {
        FhirPathInteger i => i.Value,
        FhirPathDecimal d => d.Value,
        FhirPathNode { Element.ValueKind: JsonValueKind.Number } n =>
            decimal.TryParse(n.Element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        _ => null,
    };

    private static decimal? Decimal(JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number &&
        decimal.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    // ---- helpers

    private static string? Text(FhirPathValue value) => value switch
    {
        FhirPathNode { Element.ValueKind: JsonValueKind.String } n => n.Element.GetString(),
        FhirPathNode { Element.ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } n => n.Element.GetRawText(),
        FhirPathNode => null,
        FhirPathResolvedReference => null,
        _ => value.ToString(),
    };

    private static string? Str(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static string? Str(JsonElement json, string name, string inner) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) ? Str(v, inner) : null;
}
