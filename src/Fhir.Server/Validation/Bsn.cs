namespace Fhir.Server.Validation;

/// <summary>
/// The Dutch citizen service number (BSN): nine digits passing the 11-proef, with weights 9..2 and
/// -1 for the last digit; the weighted sum must be divisible by 11 (and not all zeros).
/// https://nl.wikipedia.org/wiki/Burgerservicenummer#11-proef
/// </summary>
public static class Bsn
{
    /// <summary>The identifier system for BSNs in Dutch FHIR profiles.</summary>
    public const string System = "http://fhir.nl/fhir/NamingSystem/bsn";

    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != 9) return false;
        var sum = 0;
        var allZero = true;
        for (var i = 0; i < 9; i++)
        {
            var c = value[i];
            if (c < '0' || c > '9') return false;
            var digit = c - '0';
            allZero &= digit == 0;
            sum += i == 8 ? -digit : digit * (9 - i);
        }
        return !allZero && sum % 11 == 0;
    }

    /// <summary>A random valid BSN (for demo and test data); null only if no attempt succeeded.</summary>
    public static string? Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<char> digits = stackalloc char[9];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var sum = 0;
            digits[0] = (char)('1' + random.Next(9));
            sum += (digits[0] - '0') * 9;
            for (var i = 1; i < 8; i++)
            {
                var d = random.Next(10);
                digits[i] = (char)('0' + d);
                sum += d * (9 - i);
            }
            var last = sum % 11;
            if (last == 10) continue;
            digits[8] = (char)('0' + last);
            return new string(digits);
        }
        return null;
    }
}
