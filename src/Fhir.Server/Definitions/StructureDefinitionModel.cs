using System.Text.Json;
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
    private readonly Lazy<bool> _built;
    private ElementModel? _root;
    private IReadOnlyList<ElementModel> _elements = [];
    private string? _primitiveRegex;
    private Regex? _primitivePattern;

    // The element tree is built on first use: loading stays fast and most types are never touched.
    internal StructureDefinitionModel(FhirDefinitions definitions, string url, string name, string type, string kind,
        bool isAbstract, string? baseDefinition, string? derivation, JsonElement snapshot)
    {
        _built = new Lazy<bool>(() =>
        {
            FhirDefinitions.BuildElements(this, snapshot);
            return true;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
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

    public ElementModel Root => Built()._root!;

    /// <summary>All snapshot elements (slices excluded), in snapshot order.</summary>
    public IReadOnlyList<ElementModel> Elements => Built()._elements;

    /// <summary>For primitive types: the spec's regex for the value (from the value element's regex extension).</summary>
    public string? PrimitiveRegex => Built()._primitiveRegex;

    /// <summary>
    /// The primitive regex compiled once, anchored to the whole value, with XML Schema meaning of
    /// <c>\s</c> (see <see cref="SpecRegex"/>).
    /// </summary>
    public Regex? PrimitivePattern => PrimitiveRegex is null ? null : _primitivePattern ??= SpecRegex.Compile(PrimitiveRegex);

    private StructureDefinitionModel Built()
    {
        _ = _built.Value;
        return this;
    }

    internal void SetTree(ElementModel root, IReadOnlyList<ElementModel> elements, string? primitiveRegex)
    {
        _root = root;
        _elements = elements;
        _primitiveRegex = primitiveRegex;
    }

    internal void Index(ElementModel element) => _byPath[element.Path] = element;

    /// <summary>Only for use while building the tree.</summary>
    internal ElementModel? ByExactPath(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>
    /// Finds an element by a dotted path such as <c>Patient.name.given</c>, crossing into data
    /// types and contentReferences. A choice element is found by <c>Observation.value</c>,
    /// <c>Observation.value[x]</c> or <c>Observation.valueQuantity</c>.
    /// </summary>
    public ElementModel? FindElement(string path)
    {
        if (Built()._byPath.TryGetValue(path, out var exact)) return exact;
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
