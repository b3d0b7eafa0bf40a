using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>One validation run: walks the JSON alongside the element tree and collects issues.</summary>
internal sealed partial class ValidationWalk(ResourceValidator validator)
{
    private const int MaxDepth = 64;
    private readonly FhirDefinitions _definitions = validator.Definitions;
    private readonly List<(string Name, int Index)> _path = new(16);
    private JsonElement _resource;
    private IReadOnlyList<string>? _referenceTargets;
    private int _bundleDepth;

    public List<ValidationIssue> Issues { get; } = [];

    public void ValidateRoot(JsonElement value, string? expectedType)
    {
        _path.Add((expectedType ?? "Resource", -1));
        ValidateResource(value, expectedType, contained: false);
    }

    private void ValidateResource(JsonElement value, string? expectedType, bool contained)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(IssueType.Structure, $"A resource must be a JSON object, found {Describe(value)}.");
            return;
        }
        if (!value.TryGetProperty("resourceType", out var typeProperty))
        {
            Error(IssueType.Required, "The resource has no 'resourceType' property.");
            return;
        }
        if (typeProperty.ValueKind != JsonValueKind.String)
        {
            Error(IssueType.Structure, $"'resourceType' must be a string, found {Describe(typeProperty)}.");
            return;
        }
        var type = typeProperty.GetString()!;
        var structure = _definitions.GetStructure(type);
        if (structure is null || !structure.IsResource || structure.IsAbstract || structure.IsProfile || structure.Type != type)
        {
            Error(IssueType.Invalid, $"Unknown resource type '{type}'.");
            return;
        }
        if (_path.Count == 1 && _path[0].Index < 0) _path[0] = (type, -1);
        if (expectedType is not null && expectedType != type)
        {
            Error(IssueType.Invalid, $"The resource type is '{type}' but '{expectedType}' was expected.");
        }
        if (_path.Count > MaxDepth)
        {
            Error(IssueType.Structure, $"Resources are nested more than {MaxDepth} levels deep.");
            return;
        }

        var outerResource = _resource;
        _resource = value;
        if (type == "Bundle") _bundleDepth++;
        ValidateObject(value, validator.NodeFor(structure.Root), type, isResourceRoot: true);
        if (type == "Bundle") _bundleDepth--;
        CheckResourceId(value);
        if (contained) CheckContainedRules(value);
        CheckProfiles(value, type);
        _resource = outerResource;
    }

    private void ValidateObject(JsonElement obj, ValidationNode node, string? typeCode, bool isResourceRoot)
    {
        var elements = node.Elements;
        Span<int> counts = elements.Length <= 256 ? stackalloc int[elements.Length] : new int[elements.Length];
        var propertyCount = obj.GetPropertyCount();
        if (propertyCount == 0 && !isResourceRoot)
        {
            Error(IssueType.Structure, "An element must not be an empty object.");
            return;
        }

        // Names are read once (JsonProperty.Name allocates) and kept to pair 'x' with '_x'.
        var properties = ArrayPool<(string Name, JsonElement Value)>.Shared.Rent(propertyCount);
        try
        {
            var hasCompanions = false;
            var n = 0;
            foreach (var property in obj.EnumerateObject())
            {
                var name = property.Name;
                if (name.Length > 1 && name[0] == '_') hasCompanions = true;
                properties[n++] = (name, property.Value);
            }

            for (var p = 0; p < n; p++)
            {
                var (name, value) = properties[p];
                if (isResourceRoot && name == "resourceType") continue;
                if (name.Length > 1 && name[0] == '_')
                {
                    var baseName = name[1..];
                    if (node.ByJsonName.TryGetValue(baseName, out var companionOf) && companionOf.Kind == ValueKind.Primitive && !companionOf.IsSystemTyped)
                    {
                        if (Find(properties, n, baseName, companion: false).ValueKind != JsonValueKind.Undefined) continue; // validated with its value
                        counts[companionOf.Index] += ValidateSlot(companionOf, default, value, counts[companionOf.Index]);
                        continue;
                    }
                    UnknownElement(name, node);
                    continue;
                }
                if (!node.ByJsonName.TryGetValue(name, out var child))
                {
                    UnknownElement(name, node);
                    continue;
                }
                var companion = hasCompanions && child.Kind == ValueKind.Primitive && !child.IsSystemTyped
                    ? Find(properties, n, name, companion: true)
                    : default;
                counts[child.Index] += ValidateSlot(child, value, companion, counts[child.Index]);
            }
        }
        finally
        {
            Array.Clear(properties, 0, propertyCount);
            ArrayPool<(string, JsonElement)>.Shared.Return(properties);
        }

        foreach (var index in node.Required)
        {
            var element = elements[index];
            if (counts[index] < element.Min)
            {
                Error(IssueType.Required,
                    $"Element '{element.Name}' is required (minimum cardinality {element.Min}) but {(counts[index] == 0 ? "is missing" : $"occurs {counts[index]} time(s)")}.",
                    element.ChoiceBaseName);
            }
        }

        foreach (var index in node.SlicedRequired)
        {
            if (counts[index] > 0) continue;
            foreach (var slice in elements[index].Slices)
            {
                if (slice.Min > 0)
                {
                    Error(IssueType.Required, $"Slice '{slice.SliceName}' of '{elements[index].Name}' requires at least {slice.Min} value(s), found 0.", elements[index].ChoiceBaseName);
                }
            }
        }

        switch (typeCode)
        {
            case "Extension":
                CheckExtension(obj);
                break;
            case "Reference":
                CheckReference(obj);
                break;
            case "Identifier":
                CheckIdentifier(obj);
                break;
        }
        EvaluateConstraints(node.Owner, obj);
    }

    private static JsonElement Find((string Name, JsonElement Value)[] properties, int count, string name, bool companion)
    {
        var offset = companion ? 1 : 0;
        for (var i = 0; i < count; i++)
        {
            var candidate = properties[i].Name;
            if (candidate.Length == name.Length + offset && (!companion || candidate[0] == '_') &&
                candidate.AsSpan(offset).SequenceEqual(name))
            {
                return properties[i].Value;
            }
        }
        return default;
    }

    /// <summary>Validates one property (value and/or its <c>_x</c> companion) and returns how many values it holds.</summary>
    private int ValidateSlot(ValidationChild child, JsonElement value, JsonElement companion, int alreadySeen)
    {
        var element = child.Element;
        _path.Add((child.JsonName, -1));
        try
        {
            if (alreadySeen > 0)
            {
                Error(IssueType.Structure, element.IsChoice
                    ? $"Only one value is allowed for the choice element '{element.ChoiceBaseName}[x]'."
                    : $"Element '{child.JsonName}' occurs more than once.");
                return 0;
            }
            var hasValue = value.ValueKind != JsonValueKind.Undefined;
            var hasCompanion = companion.ValueKind != JsonValueKind.Undefined;
            if (element.IsArray)
            {
                return ValidateArraySlot(child, value, companion, hasValue, hasCompanion);
            }
            if ((hasValue && value.ValueKind == JsonValueKind.Array) || (hasCompanion && companion.ValueKind == JsonValueKind.Array))
            {
                Error(IssueType.Structure, $"Element '{child.JsonName}' has maximum cardinality {MaxText(element.BaseMax)} and must not be an array.");
                return 1;
            }
            if (hasValue && value.ValueKind == JsonValueKind.Null)
            {
                Error(IssueType.Structure, $"Element '{child.JsonName}' must not be null.");
                return 0;
            }
            if (element.Max == 0)
            {
                Error(IssueType.Structure, $"Element '{child.JsonName}' is not allowed here (maximum cardinality 0).");
            }
            if (child.Slices is { } sliceSet && hasValue)
            {
                Span<int> sliceCounts = stackalloc int[sliceSet.Slices.Length];
                child = SliceFor(child, sliceSet, value, sliceCounts);
                ValidateItem(child, value, companion, hasValue, hasCompanion);
                CheckSliceCounts(sliceSet, sliceCounts, child.JsonName);
                return 1;
            }
            ValidateItem(child, value, companion, hasValue, hasCompanion);
            return 1;
        }
        finally
        {
            _path.RemoveAt(_path.Count - 1);
        }
    }

    private int ValidateArraySlot(ValidationChild child, JsonElement value, JsonElement companion, bool hasValue, bool hasCompanion)
    {
        var element = child.Element;
        if (hasValue && value.ValueKind != JsonValueKind.Array)
        {
            Error(IssueType.Structure, $"Element '{child.JsonName}' has maximum cardinality {MaxText(element.BaseMax)} and must be an array, found {Describe(value)}.");
            return 1;
        }
        if (hasCompanion && companion.ValueKind != JsonValueKind.Array)
        {
            Error(IssueType.Structure, $"Element '_{child.JsonName}' must be an array aligned with '{child.JsonName}', found {Describe(companion)}.");
            return hasValue ? value.GetArrayLength() : 1;
        }
        var length = hasValue ? value.GetArrayLength() : companion.GetArrayLength();
        if (hasValue && hasCompanion && companion.GetArrayLength() != length)
        {
            Error(IssueType.Structure, $"Arrays '{child.JsonName}' ({length} items) and '_{child.JsonName}' ({companion.GetArrayLength()} items) must have the same length.");
            return length;
        }
        if (length == 0)
        {
            Error(IssueType.Structure, $"Element '{(hasValue ? "" : "_")}{child.JsonName}' must not be an empty array.");
            return 0;
        }
        if (element.Max >= 0 && length > element.Max)
        {
            Error(IssueType.Structure, element.Max == 0
                ? $"Element '{child.JsonName}' is not allowed here (maximum cardinality 0)."
                : $"Element '{child.JsonName}' has {length} items, more than its maximum cardinality {element.Max}.");
        }
        var slot = _path.Count - 1;
        var sliceSet = child.Slices;
        Span<int> sliceCounts = sliceSet is null ? [] : stackalloc int[sliceSet.Slices.Length];
        // Enumerated, not indexed: JsonElement indexing walks arrays of objects from the start.
        var values = hasValue ? value.EnumerateArray() : default;
        var companions = hasCompanion ? companion.EnumerateArray() : default;
        for (var i = 0; i < length; i++)
        {
            _path[slot] = (child.JsonName, i);
            var item = hasValue && values.MoveNext() ? values.Current : default;
            var itemCompanion = hasCompanion && companions.MoveNext() ? companions.Current : default;
            var itemHasValue = hasValue && item.ValueKind != JsonValueKind.Null;
            var itemHasCompanion = hasCompanion && itemCompanion.ValueKind != JsonValueKind.Null;
            if (!itemHasValue && !itemHasCompanion)
            {
                Error(IssueType.Structure, child.Kind == ValueKind.Primitive
                    ? $"Item {i} of '{child.JsonName}' is null in both '{child.JsonName}' and '_{child.JsonName}'."
                    : $"Item {i} of '{child.JsonName}' must not be null.");
                continue;
            }
            if (child.Kind != ValueKind.Primitive && hasValue && item.ValueKind == JsonValueKind.Null)
            {
                Error(IssueType.Structure, $"Item {i} of '{child.JsonName}' must not be null.");
                continue;
            }
            var itemChild = sliceSet is not null && itemHasValue ? SliceFor(child, sliceSet, item, sliceCounts) : child;
            ValidateItem(itemChild, item, itemCompanion, itemHasValue, itemHasCompanion);
        }
        if (sliceSet is not null)
        {
            _path[slot] = (child.JsonName, -1);
            CheckSliceCounts(sliceSet, sliceCounts, child.JsonName);
        }
        return length;
    }

    private ValidationChild SliceFor(ValidationChild child, SliceSet sliceSet, JsonElement value, Span<int> sliceCounts)
    {
        var index = sliceSet.Match(value);
        if (index >= 0)
        {
            sliceCounts[index]++;
            return sliceSet.Slices[index].Child;
        }
        if (sliceSet.IsClosed)
        {
            Error(IssueType.Structure, $"The value matches none of the slices of '{child.JsonName}' ({string.Join(", ", sliceSet.Slices.Select(s => s.Element.SliceName))}) and the slicing is closed.");
        }
        return child;
    }

    private void CheckSliceCounts(SliceSet sliceSet, Span<int> sliceCounts, string jsonName)
    {
        for (var i = 0; i < sliceSet.Slices.Length; i++)
        {
            var slice = sliceSet.Slices[i];
            if (slice.Tests is null && sliceSet.Sliced.IsChoice) continue;
            if (sliceCounts[i] < slice.Element.Min)
            {
                Error(IssueType.Required, $"Slice '{slice.Element.SliceName}' of '{jsonName}' requires at least {slice.Element.Min} value(s), found {sliceCounts[i]}.");
            }
            else if (slice.Element.Max >= 0 && sliceCounts[i] > slice.Element.Max)
            {
                Error(IssueType.Structure, $"Slice '{slice.Element.SliceName}' of '{jsonName}' allows at most {slice.Element.Max} value(s), found {sliceCounts[i]}.");
            }
        }
    }

    private void ValidateItem(ValidationChild child, JsonElement value, JsonElement companion, bool hasValue, bool hasCompanion)
    {
        switch (child.Kind)
        {
            case ValueKind.Primitive:
                if (hasValue)
                {
                    ValidatePrimitive(child, value);
                }
                if (hasCompanion)
                {
                    if (companion.ValueKind != JsonValueKind.Object)
                    {
                        Error(IssueType.Structure, $"The primitive extension '_{child.JsonName}' must be an object, found {Describe(companion)}.");
                    }
                    else
                    {
                        ValidateObject(companion, validator.ElementNode, null, isResourceRoot: false);
                    }
                }
                break;
            case ValueKind.Resource:
                ValidateResource(value, null, contained: child.Element.Name == "contained");
                return;
            default:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    Error(IssueType.Structure, $"Element '{child.JsonName}' of type {child.TypeCode ?? "BackboneElement"} must be a JSON object, found {Describe(value)}.");
                    return;
                }
                if (_path.Count > MaxDepth * 4)
                {
                    Error(IssueType.Structure, "The resource is nested too deeply.");
                    return;
                }
                var outerTargets = _referenceTargets;
                if (child.TypeCode == "Reference") _referenceTargets = ReferenceTargets(child.Element);
                ValidateObject(value, validator.NodeFor(child.Owner!), child.TypeCode, isResourceRoot: false);
                _referenceTargets = outerTargets;
                break;
        }
        if (hasValue)
        {
            var element = child.Element;
            if (child.RequiredValueSet is { } valueSet) CheckBinding(child, value, valueSet);
            if (element.Fixed is { } fixedValue && !JsonEquals(fixedValue, value))
            {
                Error(IssueType.Value, $"Value must be exactly {fixedValue.GetRawText()} (fixed by {element.Structure.Url}).");
            }
            if (element.Pattern is { } pattern && !JsonMatchesPattern(pattern, value))
            {
                Error(IssueType.Value, $"Value must match the pattern {pattern.GetRawText()} (from {element.Structure.Url}).");
            }
        }
    }

    private void EvaluateConstraints(ElementModel element, JsonElement focus)
    {
        var evaluator = validator.Constraints;
        if (evaluator is null) return;
        foreach (var constraint in element.Constraints)
        {
            if (evaluator.Evaluate(constraint, focus, _resource) == false)
            {
                var message = $"Constraint {constraint.Key} failed: {constraint.Human ?? constraint.Expression}";
                if (constraint.Severity == "error") Error(IssueType.Invariant, message);
                else Warning(IssueType.Invariant, message);
            }
        }
    }

    private void UnknownElement(string name, ValidationNode node)
    {
        var hint = "";
        foreach (var element in node.Elements)
        {
            if (element.IsChoice && name.StartsWith(element.ChoiceBaseName, StringComparison.Ordinal) && name.Length > element.ChoiceBaseName.Length &&
                char.IsUpper(name[element.ChoiceBaseName.Length]))
            {
                hint = $" The choice element '{element.ChoiceBaseName}[x]' allows: {string.Join(", ", element.Types.Select(t => t.Code))}.";
                break;
            }
        }
        Error(IssueType.Structure, $"Unknown element '{name}'.{hint}", name);
    }

    private void Error(string code, string diagnostics, string? child = null) =>
        Issues.Add(new ValidationIssue(IssueSeverity.Error, code, diagnostics, Location(child)));

    private void Warning(string code, string diagnostics, string? child = null) =>
        Issues.Add(new ValidationIssue(IssueSeverity.Warning, code, diagnostics, Location(child)));

    private string Location(string? child)
    {
        var builder = new StringBuilder();
        foreach (var (name, index) in _path)
        {
            if (builder.Length > 0) builder.Append('.');
            builder.Append(name);
            if (index >= 0) builder.Append('[').Append(index).Append(']');
        }
        if (child is not null) builder.Append('.').Append(child);
        return builder.ToString();
    }

    private static string MaxText(int max) => max < 0 ? "*" : max.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
