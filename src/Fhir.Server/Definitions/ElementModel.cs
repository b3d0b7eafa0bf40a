using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fhir.Server.Definitions;

/// <summary>
/// One element of a StructureDefinition snapshot, linked into a tree.
/// https://hl7.org/fhir/R4/elementdefinition.html
/// </summary>
public sealed class ElementModel
{
    private readonly List<ElementModel> _inlineChildren = [];
    private readonly List<ElementModel> _slices = [];
    private Dictionary<string, ChildMatch>? _childLookup;
    private IReadOnlyList<ElementModel>? _children;

    internal ElementModel(StructureDefinitionModel structure, string path, int min, int max, IReadOnlyList<ElementType> types)
    {
        Structure = structure;
        Path = path;
        var dot = path.LastIndexOf('.');
        Name = dot < 0 ? path : path[(dot + 1)..];
        IsChoice = Name.EndsWith("[x]", StringComparison.Ordinal);
        ChoiceBaseName = IsChoice ? Name[..^3] : Name;
        Min = min;
        Max = max;
        Types = types;
    }

    /// <summary>The structure this element belongs to.</summary>
    public StructureDefinitionModel Structure { get; }

    /// <summary>Path as in the snapshot, e.g. <c>Observation.value[x]</c>.</summary>
    public string Path { get; }

    /// <summary>Last path segment, e.g. <c>value[x]</c>.</summary>
    public string Name { get; }

    /// <summary>For choice elements the name without <c>[x]</c>; otherwise <see cref="Name"/>.</summary>
    public string ChoiceBaseName { get; }

    public int Min { get; }

    /// <summary>Maximum cardinality; -1 means unbounded (<c>*</c>).</summary>
    public int Max { get; }

    /// <summary>Maximum cardinality in the base definition (-1 = *); profiles may narrow <see cref="Max"/> but not the JSON shape.</summary>
    public int BaseMax { get; internal set; }

    /// <summary>
    /// True when the JSON form is an array: the base definition allows more than one, even if a
    /// profile narrows the maximum. https://hl7.org/fhir/R4/json.html#choice
    /// </summary>
    public bool IsArray => BaseMax is not (0 or 1);

    public IReadOnlyList<ElementType> Types { get; }

    public bool IsChoice { get; }

    /// <summary>Raw contentReference, e.g. <c>#Questionnaire.item</c>.</summary>
    public string? ContentReference { get; internal set; }

    /// <summary>The element a contentReference points at, resolved after loading.</summary>
    public ElementModel? ContentReferenceTarget { get; internal set; }

    public ElementBinding? Binding { get; internal set; }

    /// <summary>For a slice (in profiles): its name, e.g. <c>bsn</c> for <c>Patient.identifier:bsn</c>.</summary>
    public string? SliceName { get; internal set; }

    /// <summary>How the values of this element are sliced (profiles only). https://hl7.org/fhir/R4/profiling.html#slicing</summary>
    public ElementSlicing? Slicing { get; internal set; }

    /// <summary>The slices of this element, each with its own children (profiles only).</summary>
    public IReadOnlyList<ElementModel> Slices => _slices;

    public IReadOnlyList<ElementConstraint> Constraints { get; internal set; } = [];

    public bool IsSummary { get; internal set; }

    public bool IsModifier { get; internal set; }

    public int? MaxLength { get; internal set; }

    /// <summary>fixed[x] value, if any (a detached JSON value).</summary>
    public JsonElement? Fixed { get; internal set; }

    /// <summary>pattern[x] value, if any (a detached JSON value).</summary>
    public JsonElement? Pattern { get; internal set; }

    /// <summary>
    /// The spec's regex for a primitive value (only on the <c>value</c> element of primitive types
    /// and on System-typed elements that carry the regex extension).
    /// </summary>
    public string? Regex => Types.Count == 1 ? Types[0].Regex : null;

    /// <summary>True when the element's children are declared inline (BackboneElement or root).</summary>
    public bool HasInlineChildren => _inlineChildren.Count > 0 || ContentReferenceTarget is not null;

    /// <summary>
    /// Effective children: inline ones, those of the contentReference target, or, for an element
    /// with one complex or primitive FHIR type, the root children of that type's structure.
    /// Choice and multi-typed elements have none (pick a type and use its structure).
    /// </summary>
    public IReadOnlyList<ElementModel> Children => _children ??= ResolveChildren();

    internal List<ElementModel> InlineChildren => _inlineChildren;

    internal List<ElementModel> SliceList => _slices;

    /// <summary>Finds a child by name, e.g. <c>given</c>; choice elements by <c>value</c> or <c>value[x]</c>.</summary>
    public ElementModel? GetChild(string name)
    {
        if (TryGetChild(name, out var match)) return match.Element;
        foreach (var child in Children)
        {
            if (child.IsChoice && (child.ChoiceBaseName == name || child.Name == name)) return child;
        }
        return null;
    }

    /// <summary>
    /// Looks up a child by its JSON property name. For choice elements the name carries the type
    /// (<c>valueQuantity</c>) and the match says which type (<c>Quantity</c>).
    /// </summary>
    public bool TryGetChild(string jsonName, out ChildMatch match)
    {
        var lookup = _childLookup ??= BuildLookup();
        return lookup.TryGetValue(jsonName, out match);
    }

    private IReadOnlyList<ElementModel> ResolveChildren()
    {
        if (ContentReferenceTarget is not null) return ContentReferenceTarget.Children;
        if (_inlineChildren.Count > 0) return _inlineChildren;
        if (Types.Count != 1 || Types[0].IsSystemType) return [];
        var type = Structure.Definitions.GetStructure(Types[0].Code);
        return type?.Root.Children ?? (IReadOnlyList<ElementModel>)[];
    }

    private Dictionary<string, ChildMatch> BuildLookup()
    {
        var lookup = new Dictionary<string, ChildMatch>(StringComparer.Ordinal);
        foreach (var child in Children)
        {
            if (child.IsChoice)
            {
                foreach (var type in child.Types)
                {
                    var suffix = char.ToUpperInvariant(type.Code[0]) + type.Code[1..];
                    lookup[child.ChoiceBaseName + suffix] = new ChildMatch(child, type.Code);
                }
            }
            else
            {
                lookup[child.Name] = new ChildMatch(child, child.Types.Count == 1 ? child.Types[0].Code : null);
            }
        }
        return lookup;
    }

    public override string ToString() => SliceName is null ? Path : Path + ":" + SliceName;
}

/// <summary>ElementDefinition.slicing: how values are assigned to slices.</summary>
public sealed record ElementSlicing(IReadOnlyList<SliceDiscriminator> Discriminators, string Rules, bool Ordered)
{
    public bool IsClosed => Rules == "closed";
}

/// <summary>A slicing discriminator: type (value, pattern, exists, type, profile) and FHIRPath path.</summary>
public sealed record SliceDiscriminator(string Type, string Path);

/// <summary>A child found by JSON name: the element and, when it has a single or chosen type, that type code.</summary>
public readonly record struct ChildMatch(ElementModel Element, string? TypeCode);

/// <summary>
/// A type of an element. <see cref="Code"/> is the FHIR type code; for elements typed with a
/// FHIRPath System type (primitive values, Element.id, Extension.url) it is the FHIR type named
/// by the structuredefinition-fhir-type extension and <see cref="SystemCode"/> holds the System type.
/// </summary>
public sealed record ElementType(
    string Code,
    string? SystemCode,
    IReadOnlyList<string> Profiles,
    IReadOnlyList<string> TargetProfiles,
    string? Regex)
{
    public bool IsSystemType => SystemCode is not null;

    /// <summary>Resource type names allowed by targetProfile (for Reference/canonical), e.g. <c>Patient</c>.</summary>
    public IReadOnlyList<string> TargetTypes { get; } = TargetProfiles
        .Select(p => p.StartsWith(StructureDefinitionModel.CoreUrlPrefix, StringComparison.Ordinal) ? p[StructureDefinitionModel.CoreUrlPrefix.Length..] : p)
        .ToArray();
}

/// <summary>A terminology binding. https://hl7.org/fhir/R4/terminologies.html#strength</summary>
public sealed record ElementBinding(string Strength, string? ValueSet)
{
    public bool IsRequired => Strength == "required";
}

/// <summary>An invariant (FHIRPath) declared on an element. Evaluated by the FHIRPath engine, not here.</summary>
public sealed record ElementConstraint(string Key, string Severity, string? Human, string? Expression, string? Source);
