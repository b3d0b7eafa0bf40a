using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>How a child's JSON value is validated.</summary>
internal enum ValueKind
{
    Primitive,
    Complex,
    Resource,
}

/// <summary>A child element as reached by one JSON property name (choice elements have one per type).</summary>
internal sealed record ValidationChild(
    int Index,
    string JsonName,
    ElementModel Element,
    string? TypeCode,
    ValueKind Kind,
    StructureDefinitionModel? Primitive,
    ElementModel? Owner)
{
    /// <summary>Primitive typed with a FHIRPath System type (Element.id, Extension.url): no <c>_x</c> companion.</summary>
    public bool IsSystemTyped { get; init; }

    /// <summary>The element's slices (profiles only), matched per value.</summary>
    public SliceSet? Slices { get; set; }

    /// <summary>The value set of a required binding, resolved once; null when there is none or it is not held.</summary>
    public ValueSetModel? RequiredValueSet { get; init; }
}

/// <summary>
/// The children of an element (inline, via contentReference or from its type), precomputed once for
/// the validator's hot loop: lookup by JSON name and the indexes of the required ones.
/// </summary>
internal sealed class ValidationNode
{
    public ValidationNode(ElementModel owner, FhirDefinitions definitions)
    {
        Owner = owner;
        var children = owner.Children;
        Elements = [.. children];
        var byName = new Dictionary<string, ValidationChild>(StringComparer.Ordinal);
        var required = new List<int>();
        for (var i = 0; i < Elements.Length; i++)
        {
            var element = Elements[i];
            if (element.Min > 0) required.Add(i);
            if (element.IsChoice)
            {
                foreach (var type in element.Types)
                {
                    var jsonName = element.ChoiceBaseName + char.ToUpperInvariant(type.Code[0]) + type.Code[1..];
                    byName[jsonName] = WithSlices(CreateChild(i, jsonName, element, type, definitions), definitions);
                }
            }
            else
            {
                byName[element.Name] = WithSlices(CreateChild(i, element.Name, element, element.Types.Count == 1 ? element.Types[0] : null, definitions), definitions);
            }
        }
        ByJsonName = byName;
        Required = [.. required];
        var slicedRequired = new List<int>();
        for (var i = 0; i < Elements.Length; i++)
        {
            if (Elements[i].Slices.Any(s => s.Min > 0)) slicedRequired.Add(i);
        }
        SlicedRequired = [.. slicedRequired];
    }

    /// <summary>Indexes of elements with a slice of minimum cardinality above 0.</summary>
    public int[] SlicedRequired { get; }

    private static ValidationChild WithSlices(ValidationChild child, FhirDefinitions definitions)
    {
        if (child.Element.Slices.Count > 0) child.Slices = SliceSet.Create(child, definitions);
        return child;
    }

    public ElementModel Owner { get; }

    public ElementModel[] Elements { get; }

    public Dictionary<string, ValidationChild> ByJsonName { get; }

    public int[] Required { get; }

    internal static ValidationChild CreateChild(int index, string jsonName, ElementModel element, ElementType? type, FhirDefinitions definitions)
    {
        var child = CreateUnbound(index, jsonName, element, type, definitions);
        return element.Binding is { IsRequired: true, ValueSet: { } url } && definitions.GetValueSet(url) is { } valueSet
            ? child with { RequiredValueSet = valueSet }
            : child;
    }

    private static ValidationChild CreateUnbound(int index, string jsonName, ElementModel element, ElementType? type, FhirDefinitions definitions)
    {
        if (type is null || element.HasInlineChildren)
        {
            return new ValidationChild(index, jsonName, element, type?.Code, ValueKind.Complex, null, element);
        }
        if (type.IsSystemType || definitions.IsPrimitiveType(type.Code))
        {
            return new ValidationChild(index, jsonName, element, type.Code, ValueKind.Primitive, definitions.GetStructure(type.Code), null)
            {
                IsSystemTyped = type.IsSystemType,
            };
        }
        if (type.Code == "Resource" || definitions.IsResourceType(type.Code))
        {
            return new ValidationChild(index, jsonName, element, type.Code, ValueKind.Resource, null, null);
        }
        var structure = TypeProfile(type, definitions) ?? definitions.GetStructure(type.Code) ?? definitions.GetStructure("Element")!;
        return new ValidationChild(index, jsonName, element, type.Code, ValueKind.Complex, null, structure.Root);
    }

    /// <summary>A single profile on a data type that we hold (e.g. SimpleQuantity) replaces the base type's rules.</summary>
    private static StructureDefinitionModel? TypeProfile(ElementType type, FhirDefinitions definitions)
    {
        if (type.Profiles.Count != 1) return null;
        var profile = definitions.GetStructure(type.Profiles[0]);
        return profile is { IsProfile: true } && profile.Type == type.Code ? profile : null;
    }
}
