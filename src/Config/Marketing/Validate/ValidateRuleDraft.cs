using System.Text;
using System.Text.Json;
using Marketplace.Config.Sections;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Config.Marketing.Validate;

internal static class ValidateRuleDraft
{
    /// <summary>Checks a draft exactly as a change would be checked, and writes nothing.</summary>
    public static Results<Ok<RuleDraftCheckResponse>, ValidationProblem, ProblemHttpResult> Handle(
        string section, JsonElement document, RuleSectionRegistry registry, IOptions<ConfigOptions> options)
    {
        if (registry.Find(section) is not { } declared)
        {
            return RuleAnswers.UnknownSection(section, registry);
        }

        var check = Check(declared, document, options.Value);
        return check.IsValid
            ? TypedResults.Ok(new RuleDraftCheckResponse(section, true))
            : TypedResults.ValidationProblem(check.Errors, title: $"The draft of '{section}' is not valid");
    }

    /// <summary>The size limit, then the section's own binding and validation.</summary>
    public static RuleCheck Check(RuleSection section, JsonElement document, ConfigOptions options)
    {
        var bytes = Encoding.UTF8.GetByteCount(document.GetRawText());
        return bytes > options.MaxDocumentBytes
            ? new RuleCheck(null, ValidationFilterExtensions.FieldError("$", $"The document is {bytes} bytes; at most {options.MaxDocumentBytes} are accepted."))
            : section.Check(document);
    }
}
