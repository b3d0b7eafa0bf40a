using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.FhirPath;

/// <summary>
/// Walks the JSON of a resource the way FHIRPath sees it: arrays flattened, choice elements found by
/// their base name (<c>value</c> → <c>valueQuantity</c>), primitives joined with their <c>_name</c>
/// sibling, every node typed from the StructureDefinitions.
/// https://hl7.org/fhir/R4/fhirpath.html#types, https://hl7.org/fhir/R4/json.html#primitive
/// </summary>
internal static class Navigation
{
    public static FhirPathNode? ForResource(JsonElement json, FhirDefinitions definitions)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        if (!json.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String) return null;
        var type = rt.GetString()!;
        return new FhirPathNode(json, type, definitions.GetStructure(type)?.Root);
    }

    /// <summary>A node for a value of a given FHIR type (resources take their type from resourceType).</summary>
    public static FhirPathNode ForType(JsonElement json, string type, FhirDefinitions definitions)
    {
        if (type is "Resource" or "DomainResource" && ForResource(json, definitions) is { } resource) return resource;
        return new FhirPathNode(json, type, definitions.GetStructure(type)?.Root);
    }

    public static void Member(FhirPathNode node, string name, string extensionName, FhirDefinitions definitions, List<FhirPathValue> output)
    {
        var json = node.Element;
        if (json.ValueKind != JsonValueKind.Object)
        {
            // A primitive's id and extensions live in its `_name` sibling.
            if (node.PrimitiveExtension.ValueKind == JsonValueKind.Object && name is "extension" or "id")
                Member(new FhirPathNode(node.PrimitiveExtension, "Element", definitions.GetStructure("Element")?.Root), name, extensionName, definitions, output);
            return;
        }
        var definition = node.Definition;
        var child = definition?.GetChild(name);
        if (child is { IsChoice: true } && child.ChoiceBaseName == name)
        {
            foreach (var property in json.EnumerateObject())
            {
                var propertyName = property.Name;
                if (propertyName.Length > name.Length && char.IsAsciiLetterUpper(propertyName[name.Length]) &&
                    propertyName.StartsWith(name, StringComparison.Ordinal) &&
                    definition!.TryGetChild(propertyName, out var match) && match.Element == child && match.TypeCode is { } code)
                {
                    json.TryGetProperty("_" + propertyName, out var choiceExtension);
                    AddItems(property.Value, choiceExtension, code, null, name, definitions, output);
                }
            }
            return;
        }

        json.TryGetProperty(name, out var value);
        json.TryGetProperty(extensionName, out var extension);
        if (value.ValueKind == JsonValueKind.Undefined && extension.ValueKind == JsonValueKind.Undefined) return;

        if (child is not null)
        {
            AddItems(value, extension, TypeOf(child), child, name, definitions, output);
            return;
        }
        // A typed choice name used directly (valueQuantity) or a property the definitions do not know.
        if (definition is not null && definition.TryGetChild(name, out var direct) && direct.TypeCode is { } directType)
        {
            AddItems(value, extension, directType, null, name, definitions, output);
            return;
        }
        AddItems(value, extension, null, null, name, definitions, output);
    }

    private static string? TypeOf(ElementModel element)
    {
        if (element.Types.Count == 1) return element.Types[0].Code;
        if (element.ContentReferenceTarget is not null) return "BackboneElement";
        return null;
    }

    private static void AddItems(JsonElement value, JsonElement extension, string? type, ElementModel? element, string name,
        FhirDefinitions definitions, List<FhirPathValue> output)
    {
        if (value.ValueKind == JsonValueKind.Array || extension.ValueKind == JsonValueKind.Array)
        {
            int count = Math.Max(value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0,
                extension.ValueKind == JsonValueKind.Array ? extension.GetArrayLength() : 0);
            for (int i = 0; i < count; i++)
            {
                var item = value.ValueKind == JsonValueKind.Array && i < value.GetArrayLength() ? value[i] : default;
                var itemExtension = extension.ValueKind == JsonValueKind.Array && i < extension.GetArrayLength() ? extension[i] : default;
                AddItem(item, itemExtension, type, element, name, definitions, output);
            }
            return;
        }
        AddItem(value, extension, type, element, name, definitions, output);
    }

    private static void AddItem(JsonElement value, JsonElement extension, string? type, ElementModel? element, string name,
        FhirDefinitions definitions, List<FhirPathValue> output)
    {
        if (value.ValueKind == JsonValueKind.Null) value = default;
        if (extension.ValueKind != JsonValueKind.Object) extension = default;
        if (value.ValueKind == JsonValueKind.Undefined && extension.ValueKind == JsonValueKind.Undefined) return;
        if (type is "Resource" or "DomainResource" || (type is null && value.ValueKind == JsonValueKind.Object && value.TryGetProperty("resourceType", out _)))
        {
            if (ForResource(value, definitions) is { } resource) output.Add(resource);
            return;
        }
        type ??= value.ValueKind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "decimal",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "Element",
        };
        // A single-typed element resolves its children through its type; a choice picks the type's root.
        var definition = element ?? definitions.GetStructure(type)?.Root;
        output.Add(new FhirPathNode(value, type, definition, extension, name));
    }

    /// <summary>Every child node (http://hl7.org/fhirpath/N1/#children-collection), in JSON order.</summary>
    public static void Children(FhirPathNode node, FhirDefinitions definitions, List<FhirPathValue> output)
    {
        if (node.PrimitiveExtension.ValueKind == JsonValueKind.Object)
        {
            var extensionHost = new FhirPathNode(node.PrimitiveExtension, "Element", definitions.GetStructure("Element")?.Root);
            Children(extensionHost, definitions, output);
        }
        if (node.Element.ValueKind != JsonValueKind.Object) return;
        HashSet<string>? seenChoices = null;
        foreach (var property in node.Element.EnumerateObject())
        {
            var name = property.Name;
            if (name == "resourceType" || name == "fhir_comments") continue;
            if (name.StartsWith('_'))
            {
                // Extension-only primitives; those with a value are handled with the value.
                if (!node.Element.TryGetProperty(name[1..], out _)) Member(node, name[1..], name, definitions, output);
                continue;
            }
            if (node.Definition is { } definition && definition.TryGetChild(name, out var match) && match.Element.IsChoice)
            {
                seenChoices ??= [];
                if (seenChoices.Add(match.Element.ChoiceBaseName)) Member(node, match.Element.ChoiceBaseName, "_" + match.Element.ChoiceBaseName, definitions, output);
                continue;
            }
            Member(node, name, "_" + name, definitions, output);
        }
    }
}
