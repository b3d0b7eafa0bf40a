using System.Collections.Frozen;
using System.Text.Json;

namespace Fhir.Server.Definitions;

/// <summary>
/// The FHIR R4 definitions the server runs on: StructureDefinitions (resources, data types,
/// primitives, profiles), SearchParameters and the terminology behind required bindings, loaded
/// from the <c>fhir-profiles</c> folder (official bundles in <c>r4/</c>, our own in <c>project/</c>).
/// Immutable after loading and safe to share between threads.
/// https://hl7.org/fhir/R4/downloads.html
/// </summary>
public sealed class FhirDefinitions
{
    /// <summary>Folder name searched for by <see cref="Default"/>.</summary>
    public const string FolderName = "fhir-profiles";

    private static readonly Lazy<FhirDefinitions> LazyDefault = new(() => Load(LocateDefaultDirectory()), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, StructureDefinitionModel> _byUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StructureDefinitionModel> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueSetModel> _valueSets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _codeSystems = new(StringComparer.Ordinal);
    private readonly List<SearchParameterDefinition> _searchParameters = [];
    private readonly Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> _compartments = new(StringComparer.Ordinal);
    private FrozenDictionary<string, SearchParameterDefinition[]> _searchByType = FrozenDictionary<string, SearchParameterDefinition[]>.Empty;
    private FrozenSet<string> _resourceTypes = FrozenSet<string>.Empty;

    private FhirDefinitions(string directory) => Directory = directory;

    /// <summary>The process-wide definitions from the <c>fhir-profiles</c> folder next to the binaries (or above them).</summary>
    public static FhirDefinitions Default => LazyDefault.Value;

    /// <summary>The folder these definitions were loaded from.</summary>
    public string Directory { get; }

    /// <summary>All concrete (non-abstract) R4 resource types.</summary>
    public IReadOnlyCollection<string> ResourceTypes => _resourceTypes;

    public IReadOnlyList<SearchParameterDefinition> SearchParameters => _searchParameters;

    public bool IsResourceType(string name) => _resourceTypes.Contains(name);

    /// <summary>True for complex and primitive data types (not resources, not profiles).</summary>
    public bool IsDataType(string name) =>
        _byType.TryGetValue(name, out var sd) && sd.Kind is "complex-type" or "primitive-type";

    public bool IsPrimitiveType(string name) => _byType.TryGetValue(name, out var sd) && sd.IsPrimitive;

    /// <summary>A structure by type name (<c>Patient</c>, <c>HumanName</c>, <c>string</c>) or canonical URL (profiles too).</summary>
    public StructureDefinitionModel? GetStructure(string typeNameOrCanonicalUrl)
    {
        if (_byType.TryGetValue(typeNameOrCanonicalUrl, out var sd)) return sd;
        return _byUrl.GetValueOrDefault(StripVersion(typeNameOrCanonicalUrl));
    }

    /// <summary>Search parameters that apply to a resource type, including those on Resource and DomainResource.</summary>
    public IEnumerable<SearchParameterDefinition> SearchParametersFor(string resourceType) =>
        _searchByType.TryGetValue(resourceType, out var list) ? list : [];

    /// <summary>All structures: resources, data types, primitives and profiles.</summary>
    public IEnumerable<StructureDefinitionModel> Structures => _byUrl.Values;

    /// <summary>A ValueSet by canonical URL; a <c>|version</c> suffix is tolerated.</summary>
    public ValueSetModel? GetValueSet(string canonical) => _valueSets.GetValueOrDefault(StripVersion(canonical));

    /// <summary>
    /// The resource types of a compartment (code "Patient", "Practitioner"...) with the search parameters
    /// that link a resource to the compartment's owner; types without parameters are absent.
    /// https://hl7.org/fhir/R4/compartmentdefinition.html
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GetCompartment(string code) =>
        _compartments.GetValueOrDefault(code) ?? new Dictionary<string, IReadOnlyList<string>>();

    internal IReadOnlyList<string>? GetCodeSystemCodes(string system) => _codeSystems.GetValueOrDefault(system);

    /// <summary>Loads the definitions from a <c>fhir-profiles</c> folder (its <c>r4/</c> and <c>project/</c> JSON files).</summary>
    public static FhirDefinitions Load(string directory)
    {
        var r4 = Path.Combine(directory, "r4");
        if (!System.IO.Directory.Exists(r4))
        {
            throw new DirectoryNotFoundException($"FHIR definitions not found: '{r4}' does not exist (run fhir-profiles/regenerate.sh).");
        }
        var definitions = new FhirDefinitions(Path.GetFullPath(directory));
        var files = System.IO.Directory.GetFiles(r4, "*.json").OrderBy(f => f, StringComparer.Ordinal).ToList();
        var project = Path.Combine(directory, "project");
        if (System.IO.Directory.Exists(project))
        {
            files.AddRange(System.IO.Directory.GetFiles(project, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal));
        }

        // Not disposed: the structures keep JsonElements into them to build their element trees on first use.
        var documents = new JsonDocument[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                documents[i] = JsonDocument.Parse(File.ReadAllBytes(files[i]), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"FHIR definitions: '{files[i]}' is not valid JSON: {e.Message}", e);
            }
        });
        for (var i = 0; i < documents.Length; i++)
        {
            try
            {
                foreach (var resource in Resources(documents[i].RootElement))
                {
                    definitions.Add(resource);
                }
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or InvalidDataException)
            {
                throw new InvalidDataException($"FHIR definitions: '{files[i]}' is not a usable FHIR resource or Bundle: {e.Message}", e);
            }
        }
        definitions.Index();
        return definitions;
    }

    private static IEnumerable<JsonElement> Resources(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out _))
        {
            throw new InvalidDataException("no resourceType");
        }
        if (root.GetProperty("resourceType").GetString() == "Bundle")
        {
            if (!root.TryGetProperty("entry", out var entries)) yield break;
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.TryGetProperty("resource", out var resource)) yield return resource;
            }
        }
        else
        {
            yield return root;
        }
    }

    private void Add(JsonElement resource)
    {
        switch (resource.GetProperty("resourceType").GetString())
        {
            case "StructureDefinition":
                var model = new StructureDefinitionModel(this,
                    url: resource.GetProperty("url").GetString()!,
                    name: resource.GetProperty("name").GetString()!,
                    type: resource.GetProperty("type").GetString()!,
                    kind: resource.GetProperty("kind").GetString()!,
                    isAbstract: resource.TryGetProperty("abstract", out var a) && a.GetBoolean(),
                    baseDefinition: OptionalString(resource, "baseDefinition"),
                    derivation: OptionalString(resource, "derivation"),
                    snapshot: resource.TryGetProperty("snapshot", out var snapshot) && snapshot.TryGetProperty("element", out var elements)
                        ? elements
                        : throw new InvalidDataException($"StructureDefinition '{OptionalString(resource, "url")}' has no snapshot; only snapshots are loaded."));
                _byUrl[model.Url] = model;
                if (!model.IsProfile) _byType[model.Type] = model;
                break;
            case "SearchParameter":
                _searchParameters.Add(ReadSearchParameter(resource));
                break;
            case "ValueSet":
                var valueSet = ReadValueSet(resource);
                _valueSets[valueSet.Url] = valueSet;
                break;
            case "CompartmentDefinition":
                // First one wins: the standalone compartmentdefinition-*.json files sort before the bundles.
                var members = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var member in resource.GetProperty("resource").EnumerateArray())
                {
                    if (member.TryGetProperty("param", out var param) && param.GetArrayLength() > 0)
                        members[member.GetProperty("code").GetString()!] = param.EnumerateArray().Select(x => x.GetString()!).ToArray();
                }
                _compartments.TryAdd(resource.GetProperty("code").GetString()!, members);
                break;
            case "CodeSystem":
                if (OptionalString(resource, "content") == "complete" && resource.TryGetProperty("concept", out var concepts))
                {
                    var codes = new List<string>();
                    CollectCodes(concepts, codes);
                    _codeSystems[resource.GetProperty("url").GetString()!] = codes;
                }
                break;
        }
    }

    private static void CollectCodes(JsonElement concepts, List<string> codes)
    {
        foreach (var concept in concepts.EnumerateArray())
        {
            codes.Add(concept.GetProperty("code").GetString()!);
            if (concept.TryGetProperty("concept", out var nested)) CollectCodes(nested, codes);
        }
    }

    private ValueSetModel ReadValueSet(JsonElement resource)
    {
        List<ValueSetModel.ComposePart> include = [], exclude = [];
        if (resource.TryGetProperty("compose", out var compose))
        {
            ReadParts(compose, "include", include);
            ReadParts(compose, "exclude", exclude);
        }
        return new ValueSetModel(this, resource.GetProperty("url").GetString()!, OptionalString(resource, "name"),
            OptionalString(resource, "version"), include, exclude);

        static void ReadParts(JsonElement compose, string name, List<ValueSetModel.ComposePart> into)
        {
            if (!compose.TryGetProperty(name, out var parts)) return;
            foreach (var part in parts.EnumerateArray())
            {
                var concepts = part.TryGetProperty("concept", out var c)
                    ? c.EnumerateArray().Select(x => x.GetProperty("code").GetString()!).ToArray()
                    : [];
                into.Add(new ValueSetModel.ComposePart(OptionalString(part, "system"), concepts,
                    part.TryGetProperty("filter", out var f) && f.GetArrayLength() > 0, StringArray(part, "valueSet")));
            }
        }
    }

    private static SearchParameterDefinition ReadSearchParameter(JsonElement json)
    {
        var type = json.GetProperty("type").GetString()!;
        var components = json.TryGetProperty("component", out var c)
            ? c.EnumerateArray().Select(x => new SearchParameterComponent(
                x.GetProperty("definition").GetString()!, x.GetProperty("expression").GetString()!)).ToArray()
            : [];
        var modifiers = StringArray(json, "modifier");
        var comparators = StringArray(json, "comparator");
        return new SearchParameterDefinition(
            Url: json.GetProperty("url").GetString()!,
            Code: json.GetProperty("code").GetString()!,
            Name: OptionalString(json, "name") ?? json.GetProperty("code").GetString()!,
            Type: type,
            Base: StringArray(json, "base"),
            Expression: OptionalString(json, "expression"),
            Target: StringArray(json, "target"),
            Components: components,
            Modifiers: modifiers.Count > 0 ? modifiers : DefaultModifiers(type),
            Comparators: comparators.Count > 0 ? comparators : DefaultComparators(type),
            MultipleOr: !json.TryGetProperty("multipleOr", out var or) || or.GetBoolean(),
            MultipleAnd: !json.TryGetProperty("multipleAnd", out var and) || and.GetBoolean());
    }

    // The official R4 bundle does not list modifiers/comparators on most parameters; these are the
    // ones https://hl7.org/fhir/R4/search.html defines per parameter type.
    private static IReadOnlyList<string> DefaultModifiers(string type) => type switch
    {
        "string" => ["missing", "exact", "contains"],
        "token" => ["missing", "text", "not", "above", "below", "in", "not-in", "of-type"],
        "reference" => ["missing", "type", "identifier", "above", "below"],
        "uri" => ["missing", "above", "below"],
        _ => ["missing"],
    };

    private static IReadOnlyList<string> DefaultComparators(string type) => type switch
    {
        "number" or "date" or "quantity" => ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"],
        _ => [],
    };

    internal static void BuildElements(StructureDefinitionModel model, JsonElement snapshot)
    {
        var all = new List<ElementModel>();
        ElementModel? root = null;
        // Parents are found by element id, which names slices ("Patient.identifier:bsn.system").
        var byId = new Dictionary<string, ElementModel>(StringComparer.Ordinal);
        var contentReferences = new List<ElementModel>();
        foreach (var e in snapshot.EnumerateArray())
        {
            var path = e.GetProperty("path").GetString()!;
            var id = OptionalString(e, "id") ?? path;
            var element = new ElementModel(model, path, MinOf(e), MaxOf(e), ReadTypes(e));
            element.BaseMax = e.TryGetProperty("base", out var baseDefinition) ? MaxOf(baseDefinition) : element.Max;
            element.SliceName = OptionalString(e, "sliceName");
            if (e.TryGetProperty("slicing", out var slicing)) element.Slicing = ReadSlicing(slicing);
            if (e.TryGetProperty("contentReference", out var cr))
            {
                element.ContentReference = cr.GetString();
                contentReferences.Add(element);
            }
            if (e.TryGetProperty("binding", out var binding) && binding.TryGetProperty("strength", out var strength))
            {
                element.Binding = new ElementBinding(strength.GetString()!, OptionalString(binding, "valueSet"));
            }
            if (e.TryGetProperty("constraint", out var constraints))
            {
                element.Constraints = constraints.EnumerateArray().Select(c => new ElementConstraint(
                    c.GetProperty("key").GetString()!, OptionalString(c, "severity") ?? "error", OptionalString(c, "human"),
                    OptionalString(c, "expression"), OptionalString(c, "source"))).ToArray();
            }
            element.IsSummary = e.TryGetProperty("isSummary", out var s) && s.GetBoolean();
            element.IsModifier = e.TryGetProperty("isModifier", out var m) && m.GetBoolean();
            if (e.TryGetProperty("maxLength", out var ml)) element.MaxLength = ml.GetInt32();
            foreach (var property in e.EnumerateObject())
            {
                if (property.Name.StartsWith("fixed", StringComparison.Ordinal)) element.Fixed = property.Value.Clone();
                else if (property.Name.StartsWith("pattern", StringComparison.Ordinal)) element.Pattern = property.Value.Clone();
            }

            var lastDot = id.LastIndexOf('.');
            var colon = id.LastIndexOf(':');
            if (root is null)
            {
                root = element;
            }
            else if (element.SliceName is not null && colon > lastDot)
            {
                if (!byId.TryGetValue(id[..colon], out var sliced))
                {
                    throw new InvalidDataException($"{model.Url}: slice '{id}' has no sliced element in the snapshot.");
                }
                sliced.SliceList.Add(element);
            }
            else
            {
                if (lastDot < 0 || !byId.TryGetValue(id[..lastDot], out var parent))
                {
                    throw new InvalidDataException($"{model.Url}: element '{id}' has no parent in the snapshot.");
                }
                parent.InlineChildren.Add(element);
            }
            byId[id] = element;
            if (!id.Contains(':'))
            {
                model.Index(element);
                all.Add(element);
            }
        }
        if (root is null) throw new InvalidDataException($"{model.Url}: empty snapshot.");
        foreach (var element in contentReferences)
        {
            var target = element.ContentReference!;
            var hash = target.IndexOf('#');
            element.ContentReferenceTarget = model.ByExactPath(target[(hash + 1)..])
                ?? throw new InvalidDataException($"{model.Url}: contentReference '{target}' of '{element.Path}' not found.");
        }
        model.SetTree(root, all, model.IsPrimitive ? model.ByExactPath(model.Type + ".value")?.Regex : null);
    }

    private static ElementSlicing ReadSlicing(JsonElement slicing) => new(
        slicing.TryGetProperty("discriminator", out var discriminators)
            ? discriminators.EnumerateArray().Select(d => new SliceDiscriminator(
                OptionalString(d, "type") ?? "value", OptionalString(d, "path") ?? "$this")).ToArray()
            : [],
        OptionalString(slicing, "rules") ?? "open",
        slicing.TryGetProperty("ordered", out var ordered) && ordered.ValueKind == JsonValueKind.True);

    private static int MinOf(JsonElement e) => e.TryGetProperty("min", out var min) ? min.GetInt32() : 0;

    private static int MaxOf(JsonElement e)
    {
        var max = OptionalString(e, "max");
        return max is null ? 1 : max == "*" ? -1 : int.Parse(max, System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string FhirTypeExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";
    private const string RegexExtension = "http://hl7.org/fhir/StructureDefinition/regex";

    private static IReadOnlyList<ElementType> ReadTypes(JsonElement e)
    {
        if (!e.TryGetProperty("type", out var types)) return [];
        var result = new ElementType[types.GetArrayLength()];
        var i = 0;
        foreach (var t in types.EnumerateArray())
        {
            var code = t.GetProperty("code").GetString()!;
            string? fhirType = null, regex = null;
            if (t.TryGetProperty("extension", out var extensions))
            {
                foreach (var ext in extensions.EnumerateArray())
                {
                    switch (OptionalString(ext, "url"))
                    {
                        case FhirTypeExtension:
                            fhirType = OptionalString(ext, "valueUrl") ?? OptionalString(ext, "valueUri");
                            break;
                        case RegexExtension:
                            regex = OptionalString(ext, "valueString");
                            break;
                    }
                }
            }
            var isSystem = code.StartsWith("http://hl7.org/fhirpath/System.", StringComparison.Ordinal);
            result[i++] = new ElementType(
                Code: isSystem && fhirType is not null ? fhirType : code,
                SystemCode: isSystem ? code : null,
                Profiles: StringArray(t, "profile"),
                TargetProfiles: StringArray(t, "targetProfile"),
                Regex: regex);
        }
        return result;
    }

    private void Index()
    {
        _resourceTypes = _byType.Values.Where(sd => sd.IsResource && !sd.IsAbstract).Select(sd => sd.Type).ToFrozenSet(StringComparer.Ordinal);
        var byType = new Dictionary<string, List<SearchParameterDefinition>>(StringComparer.Ordinal);
        foreach (var type in _resourceTypes) byType[type] = [];
        foreach (var parameter in _searchParameters)
        {
            foreach (var baseType in parameter.Base)
            {
                if (baseType is "Resource" or "DomainResource")
                {
                    foreach (var (type, list) in byType)
                    {
                        if (baseType == "Resource" || IsDomainResource(type)) list.Add(parameter);
                    }
                }
                else if (byType.TryGetValue(baseType, out var list))
                {
                    list.Add(parameter);
                }
            }
        }
        _searchByType = byType.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    private bool IsDomainResource(string type)
    {
        for (var sd = GetStructure(type); sd?.BaseDefinition is { } baseUrl; sd = GetStructure(baseUrl))
        {
            if (baseUrl == StructureDefinitionModel.CoreUrlPrefix + "DomainResource") return true;
        }
        return false;
    }

    private static string StripVersion(string canonical)
    {
        var bar = canonical.IndexOf('|');
        return bar < 0 ? canonical : canonical[..bar];
    }

    private static string? OptionalString(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyList<string> StringArray(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()!).ToArray()
            : [];

    private static string LocateDefaultDirectory()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, FolderName);
        if (System.IO.Directory.Exists(Path.Combine(beside, "r4"))) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FolderName);
            if (System.IO.Directory.Exists(Path.Combine(candidate, "r4"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"No '{FolderName}/r4' folder found beside or above {AppContext.BaseDirectory}; the FHIR definitions are required.");
    }
}
