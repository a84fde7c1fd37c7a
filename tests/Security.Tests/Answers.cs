using System.Net;
using System.Text;

namespace Marketplace.Security.Tests;

/// <summary>How the suite reads an answer, and how it lists what it saw when the answer breaks a promise.</summary>
public static class Answers
{
    public const string ProblemJson = "application/problem+json";

    public static bool IsProblem(this HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType == ProblemJson;

    /// <summary>Kestrel (or the test server standing in for it) refuses an over-long URL or header block before routing.</summary>
    public static bool IsServerLimit(this HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.RequestUriTooLong or HttpStatusCode.RequestHeaderFieldsTooLarge;

    public static async Task<string> DescribeAsync(this HttpResponseMessage response, int bodyChars = 300)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (body.Length > bodyChars)
        {
            body = body[..bodyChars] + "…";
        }

        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType ?? "(no content type)"} {body}";
    }

    /// <summary>One failure message listing every violation, so a reviewer sees the whole picture at once.</summary>
    public static string Report(string promise, IReadOnlyCollection<string> violations)
    {
        var text = new StringBuilder();
        text.Append(promise).Append(": ").Append(violations.Count).AppendLine(" violation(s)");
        foreach (var violation in violations.Take(200))
        {
            text.Append("  - ").AppendLine(violation);
        }

        if (violations.Count > 200)
        {
            text.Append("  … and ").Append(violations.Count - 200).AppendLine(" more");
        }

        return text.ToString();
    }

    /// <summary>Shortens a hostile input for a failure message.</summary>
    public static string Show(string value, int max = 80)
    {
        var shown = value.Length > max ? $"{value[..max]}…({value.Length} chars)" : value;
        return shown.Replace("\0", "\\0", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }
}
