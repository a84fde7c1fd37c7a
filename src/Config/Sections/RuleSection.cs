using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;

namespace Marketplace.Config.Sections;

/// <summary>The outcome of reading one rule document: the typed rules when valid, else the failures by field.</summary>
internal sealed record RuleCheck(object? Rules, IDictionary<string, string[]> Errors)
{
    public bool IsValid => Rules is not null && Errors.Count == 0;
}

/// <summary>One declared section of runtime rules: its name, its type and how a document of it is checked.</summary>
internal abstract class RuleSection(string name)
{
    /// <summary>Documents are read with the web defaults (camelCase, enums as names), as the API writes them.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public string Name => name;

    public abstract Type RulesType { get; }

    /// <summary>Binds the document to the section's type and validates it; never throws for bad content.</summary>
    public abstract RuleCheck Check(JsonElement document);

    /// <summary>Parses and checks document text, as read from a file or a Consul value.</summary>
    public RuleCheck Check(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, DocumentOptions);
            return Check(document.RootElement);
        }
        catch (JsonException e)
        {
            return Failure(e);
        }
    }

    protected static RuleCheck Failure(JsonException e)
    {
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "$" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
        return new RuleCheck(null, new Dictionary<string, string[]> { [field] = [$"Not readable as this section's rules: {e.Message}"] });
    }
}

internal sealed class RuleSection<TRules>(string name, IValidator<TRules> validator) : RuleSection(name)
    where TRules : class, new()
{
    public override Type RulesType => typeof(TRules);

    public override RuleCheck Check(JsonElement document)
    {
        TRules? rules;
        try
        {
            rules = document.Deserialize<TRules>(Json);
        }
        catch (JsonException e)
        {
            return Failure(e);
        }

        if (rules is null)
        {
            return new RuleCheck(null, new Dictionary<string, string[]> { ["$"] = ["The document must be a JSON object, not null."] });
        }

        FluentValidation.Results.ValidationResult result;
        try
        {
            result = validator.Validate(rules);
        }
#pragma warning disable CA1031 // A validator that throws on odd input must reject that input, not stop the watcher and so the shop.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new RuleCheck(null, new Dictionary<string, string[]> { ["$"] = [$"The rules could not be validated ({e.GetType().Name}: {e.Message})."] });
        }

        return result.IsValid ? new RuleCheck(rules, new Dictionary<string, string[]>()) : new RuleCheck(null, result.ToDictionary());
    }
}
