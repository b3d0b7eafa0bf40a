using System.Text.RegularExpressions;

namespace Fhir.Server.Definitions;

/// <summary>
/// A StructureDefinition (resource, data type, primitive or profile) with its snapshot as a tree.
/// https://hl7.org/fhir/R4/structuredefinition.html
/// </summary>
public sealed class StructureDefinitionModel
{
    internal const string CoreUrlPrefix = "http://hl7.org/fhir/StructureDefinition/";

    private readonly Dictionary<string, ElementModel> _byPath = new(StringComparer.Ordinal);
    private Regex? _primitivePattern;

    internal StructureDefinitionModel(FhirDefinitions definitions, string url, string name, string type, string kind,
        bool isAbstract, string? baseDefinition, string? derivation)
    {
        Definitions = definitions;
        Url = url;
        Name = name;
        Type = type;
        Kind = kind;
        IsAbstract = isAbstract;
        BaseDefinition = baseDefinition;
        Derivation = derivation;
    }

    internal FhirDefinitions Definitions { get; }

    public string Url { get; }

    public string Name { get; }

    /// <summary>The type constrained or defined, e.g. <c>Patient</c> (also for profiles on Patient).</summary>
    public string Type { get; }

    /// <summary>primitive-type, complex-type, resource or logical.</summary>
    public string Kind { get; }

    public bool IsAbstract { get; }

    public string? BaseDefinition { get; }

    /// <summary>specialization or constraint (profiles); null for the roots (Element, Resource).</summary>
    public string? Derivation { get; }

    public bool IsProfile => Derivation == "constraint";

    public bool IsPrimitive => Kind == "primitive-type";

    public bool IsResource => Kind == "resource";

    public ElementModel Root { get; internal set; } = null!;

    /// <summary>All snapshot elements (slices excluded), in snapshot order.</summary>
    public IReadOnlyList<ElementModel> Elements { get; internal set; } = [];

    /// <summary>For primitive types: the spec's regex for the value (from the value element's regex extension).</summary>
    public string? PrimitiveRegex { get; internal set; }

    /// <summary>The primitive regex compiled once, anchored to the whole value.</summary>
    public Regex? PrimitivePattern => PrimitiveRegex is null
        ? null
        : _primitivePattern ??= new Regex("^(?:" + PrimitiveRegex + ")$", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    internal void Index(ElementModel element) => _byPath[element.Path] = element;

    internal ElementModel? ByExactPath(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>
    /// Finds an element by a dotted path such as <c>Patient.name.given</c>, crossing into data
    /// types and contentReferences. A choice element is found by <c>Observation.value</c>,
    /// <c>Observation.value[x]</c> or <c>Observation.valueQuantity</c>.
    /// </summary>
    public ElementModel? FindElement(string path)
    {
        if (_byPath.TryGetValue(path, out var exact)) return exact;
        var segments = path.Split('.');
        if (segments[0] != Root.Path && segments[0] != Type) return null;
        var current = Root;
        for (var i = 1; i < segments.Length; i++)
        {
            var next = current.GetChild(segments[i]);
            if (next is null) return null;
            current = next;
        }
        return current;
    }

    public override string ToString() => Url;
}
