using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>Primitive values: JSON kind, the spec's format and ranges. https://hl7.org/fhir/R4/datatypes.html#primitive</summary>
internal sealed partial class ValidationWalk
{
    private void ValidatePrimitive(ValidationChild child, JsonElement value)
    {
        var type = child.TypeCode!;
        switch (type)
        {
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Error(IssueType.Structure, $"A boolean must be a JSON true or false, found {Describe(value)}.");
                }
                return;
            case "integer":
            case "positiveInt":
            case "unsignedInt":
                ValidateInteger(type, value);
                return;
            case "decimal":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    Error(IssueType.Structure, $"A decimal must be a JSON number, found {Describe(value)}.");
                }
                return;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(IssueType.Structure, $"A value of type {type} must be a JSON string, found {Describe(value)}.");
            return;
        }
        if (type == "xhtml")
        {
            // Narrative is often the largest value; it is not copied out just to be checked.
            if (value.ValueEquals(ReadOnlySpan<byte>.Empty)) Error(IssueType.Structure, "A value of type xhtml must not be an empty string.");
            return;
        }
        var text = value.GetString()!;
        if (text.Length == 0)
        {
            Error(IssueType.Structure, $"A value of type {type} must not be an empty string.");
            return;
        }
        if (HasControlCharacter(text))
        {
            Error(IssueType.Value, $"'{Shorten(text)}' is not a valid {type}: characters below U+0020 other than tab, CR and LF are not allowed.");
            return;
        }
        if (!MatchesSpecFormat(type, text, child.Primitive))
        {
            Error(IssueType.Value, $"'{Shorten(text)}' is not a valid {type}.");
            return;
        }
        if (type is "date" or "dateTime" or "instant" && text.Length >= 10 && !IsRealDate(text))
        {
            Error(IssueType.Value, $"'{Shorten(text)}' is not a valid {type}: no such calendar date.");
        }
    }

    private void ValidateInteger(string type, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            Error(IssueType.Structure, $"A value of type {type} must be a JSON number, found {Describe(value)}.");
            return;
        }
        var raw = value.GetRawText();
        if (!IntegerText().IsMatch(raw))
        {
            Error(IssueType.Value, $"'{raw}' is not a valid {type}: it must be a whole number without fraction or exponent.");
            return;
        }
        if (!value.TryGetInt32(out var number))
        {
            Error(IssueType.Value, $"'{raw}' is out of range for {type} (32-bit signed integer).");
            return;
        }
        if (type == "positiveInt" && number < 1)
        {
            Error(IssueType.Value, $"'{raw}' is not a valid positiveInt: it must be 1 or more.");
        }
        else if (type == "unsignedInt" && number < 0)
        {
            Error(IssueType.Value, $"'{raw}' is not a valid unsignedInt: it must be 0 or more.");
        }
    }

    /// <summary>
    /// The spec's regex for the type (https://hl7.org/fhir/R4/datatypes.html#primitive), with the
    /// frequent whitespace-only ones checked by hand: they are most of the values and the hand check
    /// is an order of magnitude faster. XML Schema whitespace is space, tab, CR and LF.
    /// </summary>
    private static bool MatchesSpecFormat(string type, string text, StructureDefinitionModel? primitive)
    {
        switch (type)
        {
            case "string":
            case "markdown":
            case "xhtml":
                return true; // [ \r\n\t\S]+ : any non-empty text
            case "uri":
            case "url":
            case "canonical":
                return text.AsSpan().IndexOfAny(XmlWhitespace) < 0; // \S*
            case "code":
                return IsCode(text); // [^\s]+(\s[^\s]+)*
            case "base64Binary":
                return IsBase64(text); // (\s*([0-9a-zA-Z\+/=]){4}\s*)+
        }
        var pattern = primitive?.PrimitivePattern;
        if (pattern is null) return true;
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static readonly SearchValues<char> XmlWhitespace = SearchValues.Create(" \t\r\n");

    private static bool IsCode(string text)
    {
        var previousWhitespace = true;
        foreach (var c in text)
        {
            var whitespace = c is ' ' or '\t' or '\r' or '\n';
            if (whitespace && previousWhitespace) return false;
            previousWhitespace = whitespace;
        }
        return !previousWhitespace;
    }

    private static bool IsBase64(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                if (count % 4 != 0) return false;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')
            {
                count++;
            }
            else
            {
                return false;
            }
        }
        return count > 0 && count % 4 == 0;
    }

    // https://hl7.org/fhir/R4/datatypes.html#string: the spec's regex (\S) does not exclude them.
    private static bool HasControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c != '\t' && c != '\r' && c != '\n') return true;
        }
        return false;
    }

    private static bool IsRealDate(string text)
    {
        if (text.Length < 10 || text[4] != '-' || text[7] != '-') return true;
        var year = int.Parse(text.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(text.AsSpan(5, 2), CultureInfo.InvariantCulture);
        var day = int.Parse(text.AsSpan(8, 2), CultureInfo.InvariantCulture);
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex IntegerText();
}
