using System.Globalization;
using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.FhirPath;

/// <summary>
/// One item of a FHIRPath collection: a node of the resource's JSON (<see cref="FhirPathNode"/>), a
/// System primitive (http://hl7.org/fhirpath/N1/#literals), or the marker that <c>resolve()</c>
/// returns for a reference it cannot fetch (<see cref="FhirPathResolvedReference"/>).
/// </summary>
public abstract class FhirPathValue
{
    /// <summary>The type name: FHIR types as in the spec ("HumanName", "dateTime", "Patient"),
    /// System primitives as "String", "Integer", "Decimal", "Boolean", "Date", "DateTime", "Time", "Quantity".</summary>
    public abstract string TypeName { get; }

    /// <summary>"FHIR" or "System".</summary>
    public abstract string TypeNamespace { get; }

    public override string ToString() => FhirPathConvert.ToDisplayString(this);
}

/// <summary>A JSON node of the evaluated resource with its FHIR type.</summary>
public sealed class FhirPathNode : FhirPathValue
{
    internal FhirPathNode(JsonElement element, string typeName, ElementModel? definition, JsonElement primitiveExtension = default, string? name = null)
    {
        Element = element;
        FhirType = typeName;
        Definition = definition;
        PrimitiveExtension = primitiveExtension;
        Name = name;
    }

    /// <summary>The value; <see cref="JsonValueKind.Undefined"/> for a primitive that only has extensions (<c>_birthDate</c>).</summary>
    public JsonElement Element { get; }

    /// <summary>The FHIR type name ("HumanName", "code", "BackboneElement", "Observation").</summary>
    public string FhirType { get; }

    /// <summary>The element whose children describe this node's properties: the type's root, or for
    /// backbone elements the element itself (<c>Observation.component</c>); null when unknown.</summary>
    internal ElementModel? Definition { get; }

    /// <summary>The definition path of the element ("Observation.component", "HumanName"), when known.</summary>
    public string? DefinitionPath => Definition?.Path;

    /// <summary>The <c>_name</c> sibling object of a FHIR primitive (id and extensions), if present.</summary>
    public JsonElement PrimitiveExtension { get; }

    /// <summary>The JSON property name this node came from (without choice suffix), if any.</summary>
    public string? Name { get; }

    public override string TypeName => FhirType;

    public override string TypeNamespace => "FHIR";

    public bool HasValue => Element.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null;
}

/// <summary>
/// What <c>resolve()</c> yields for a reference to a resource outside the one evaluated: its type and
/// id as read from the reference, so <c>resolve() is Patient</c> works without fetching.
/// </summary>
public sealed class FhirPathResolvedReference(string resourceType, string? id, string reference) : FhirPathValue
{
    public string ResourceType { get; } = resourceType;
    public string? Id { get; } = id;
    public string Reference { get; } = reference;
    public override string TypeName => ResourceType;
    public override string TypeNamespace => "FHIR";
}

public sealed class FhirPathBoolean : FhirPathValue
{
    public static readonly FhirPathBoolean True = new(true);
    public static readonly FhirPathBoolean False = new(false);

    private FhirPathBoolean(bool value) => Value = value;

    public static FhirPathBoolean Of(bool value) => value ? True : False;

    public bool Value { get; }
    public override string TypeName => "Boolean";
    public override string TypeNamespace => "System";
}

public sealed class FhirPathString(string value) : FhirPathValue
{
    public string Value { get; } = value;
    public override string TypeName => "String";
    public override string TypeNamespace => "System";
}

public sealed class FhirPathInteger(long value) : FhirPathValue
{
    public long Value { get; } = value;
    public override string TypeName => "Integer";
    public override string TypeNamespace => "System";
}

public sealed class FhirPathDecimal(decimal value) : FhirPathValue
{
    /// <summary>The value; <see cref="decimal"/> keeps trailing zeros, so "1.50" stays 1.50.</summary>
    public decimal Value { get; } = value;
    public override string TypeName => "Decimal";
    public override string TypeNamespace => "System";
}

public sealed class FhirPathQuantity(decimal value, string unit) : FhirPathValue
{
    public decimal Value { get; } = value;

    /// <summary>UCUM code, or a calendar duration keyword ("year", "month", ... "millisecond").</summary>
    public string Unit { get; } = unit;

    public override string TypeName => "Quantity";
    public override string TypeNamespace => "System";
}

/// <summary>A System Date, DateTime or Time value with its precision (http://hl7.org/fhirpath/N1/#datetime).</summary>
public sealed class FhirPathTemporal(PartialDateTime value) : FhirPathValue
{
    public PartialDateTime Value { get; } = value;

    public override string TypeName => Value.Kind switch
    {
        TemporalKind.Date => "Date",
        TemporalKind.Time => "Time",
        _ => "DateTime",
    };

    public override string TypeNamespace => "System";
}

internal static class FhirPathConvert
{
    public static string ToDisplayString(FhirPathValue value) => value switch
    {
        FhirPathString s => s.Value,
        FhirPathBoolean b => b.Value ? "true" : "false",
        FhirPathInteger i => i.Value.ToString(CultureInfo.InvariantCulture),
        FhirPathDecimal d => d.Value.ToString(CultureInfo.InvariantCulture),
        FhirPathQuantity q => q.Value.ToString(CultureInfo.InvariantCulture) + " '" + q.Unit + "'",
        FhirPathTemporal t => t.Value.ToString(),
        FhirPathResolvedReference r => r.Reference,
        FhirPathNode n => n.Element.ValueKind switch
        {
            JsonValueKind.String => n.Element.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => n.Element.GetRawText(),
            JsonValueKind.Undefined => "",
            _ => n.Element.GetRawText(),
        },
        _ => value.GetType().Name,
    };
}
