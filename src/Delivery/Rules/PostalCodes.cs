namespace Marketplace.Delivery.Rules;

/// <summary>How zones compare postal codes: upper case, with spaces and dashes dropped ("sw1a 1aa" is "SW1A1AA").</summary>
internal static class PostalCodes
{
    public static string Normalize(string code)
    {
        Span<char> buffer = stackalloc char[Math.Min(code.Length, 64)];
        var length = 0;
        foreach (var c in code.AsSpan(0, Math.Min(code.Length, 64)))
        {
            if (c is ' ' or '-' or '\t')
            {
                continue;
            }

            buffer[length++] = char.ToUpperInvariant(c);
        }

        return new string(buffer[..length]);
    }

    /// <summary>Letters, digits, spaces and dashes only.</summary>
    public static bool IsWellFormed(string code) =>
        code.Length <= 64 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-');

    public static bool Matches(PostalCodeMatch match, string normalizedCode)
    {
        if (match.Prefix is not null)
        {
            return normalizedCode.StartsWith(Normalize(match.Prefix), StringComparison.Ordinal);
        }

        var from = Normalize(match.From ?? "");
        var to = Normalize(match.To ?? "");
        if (normalizedCode.Length < from.Length)
        {
            return false;
        }

        var head = normalizedCode[..from.Length];
        return string.CompareOrdinal(head, from) >= 0 && string.CompareOrdinal(head, to) <= 0;
    }
}

/// <summary>The ISO 3166-1 alpha-2 codes officially assigned.</summary>
internal static class CountryCodes
{
    private const string Assigned =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO " +
        "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR " +
        "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO " +
        "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV " +
        "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    private static readonly HashSet<string> Codes = Assigned.Split(' ').ToHashSet(StringComparer.Ordinal);

    /// <summary>True for an assigned code written in upper case.</summary>
    public static bool IsKnown(string? code) => code is { Length: 2 } && Codes.Contains(code);
}
