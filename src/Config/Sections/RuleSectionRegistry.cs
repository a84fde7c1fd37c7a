using System.Text.RegularExpressions;
using Marketplace.Config.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Config.Sections;

/// <summary>
/// The sections the host declared. Kept as one instance in the service collection, so that sections can be declared
/// before or after <see cref="ConfigModule.AddConfigModule"/>; closed when the rules watcher starts.
/// </summary>
internal sealed partial class RuleSectionRegistry
{
    private readonly Lock _lock = new();
    private readonly List<RuleSection> _sections = [];
    private bool _closed;

    /// <summary>The configuration provider the rules reach <c>IOptionsMonitor</c> through.</summary>
    public RuntimeRulesProvider Provider { get; } = new();

    public IReadOnlyList<RuleSection> Sections
    {
        get
        {
            lock (_lock)
            {
                return _sections.ToList();
            }
        }
    }

    public RuleSection? Find(string name) => Sections.FirstOrDefault(s => s.Name == name);

    public void Add(RuleSection section)
    {
        if (!SectionName().IsMatch(section.Name) || section.Name == "audit")
        {
            throw new ArgumentException($"'{section.Name}' is not a section name: lower-case letters, digits and '-', starting with a letter, not 'audit'.", nameof(section));
        }

        lock (_lock)
        {
            if (_closed)
            {
                throw new InvalidOperationException($"Section '{section.Name}' is declared after the host started; declare runtime rules while building the host.");
            }

            if (_sections.Any(s => s.Name == section.Name || s.RulesType == section.RulesType))
            {
                throw new InvalidOperationException($"Section '{section.Name}' ({section.RulesType.Name}) is declared twice, or its type already backs another section.");
            }

            _sections.Add(section);
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
    }

    /// <summary>The registry of this service collection, created on first use.</summary>
    public static RuleSectionRegistry In(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(RuleSectionRegistry))?.ImplementationInstance is RuleSectionRegistry existing)
        {
            return existing;
        }

        var registry = new RuleSectionRegistry();
        services.AddSingleton(registry);
        return registry;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex SectionName();
}
