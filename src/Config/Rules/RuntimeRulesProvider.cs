using System.Text.Json;
using Marketplace.Config.Sections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Config.Rules;

/// <summary>
/// The configuration provider of the runtime rules: its data is the rule set in force, flattened under
/// <c>RuntimeRules:{section}</c>, and it signals a reload each time a new valid set takes effect. Only
/// <see cref="RuleSetGate"/> changes it, so nothing invalid ever reaches configuration.
/// </summary>
internal sealed class RuntimeRulesProvider : ConfigurationProvider
{
    public const string Root = "RuntimeRules";

    private volatile AppliedRuleSet _current = AppliedRuleSet.None;

    public AppliedRuleSet Current => _current;

    public void Apply(AppliedRuleSet set)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in set.Sections.Values.Where(s => s.Text is not null))
        {
            using var document = JsonDocument.Parse(section.Text!, RuleSection.DocumentOptions);
            Flatten(document.RootElement, $"{Root}:{section.Name}", data);
        }

        Data = data;
        _current = set;
        OnReload();
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string?> data)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, $"{path}:{property.Name}", data);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}:{index++}", data);
                }

                break;
            case JsonValueKind.Null:
                data[path] = null;
                break;
            case JsonValueKind.String:
                data[path] = element.GetString();
                break;
            default:
                data[path] = element.GetRawText();
                break;
        }
    }
}

internal sealed class RuntimeRulesSource(RuntimeRulesProvider provider) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
}

/// <summary>
/// Builds <typeparamref name="TRules"/> for <c>IOptionsMonitor</c> from the provider's set in force: the very object
/// that passed validation, so that binding cannot differ from what was checked.
/// </summary>
internal sealed class RuntimeRulesOptionsFactory<TRules>(RuntimeRulesProvider provider, string section) : IOptionsFactory<TRules>
    where TRules : class, new()
{
    public TRules Create(string name) =>
        provider.Current.Sections.TryGetValue(section, out var applied) ? (TRules)applied.Rules : new TRules();
}

/// <summary>Tells <c>IOptionsMonitor</c> to rebuild <typeparamref name="TRules"/> when the provider reloads.</summary>
internal sealed class RuntimeRulesChangeTokenSource<TRules>(RuntimeRulesProvider provider) : IOptionsChangeTokenSource<TRules>
{
    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => provider.GetReloadToken();
}
