using System.Reflection;

namespace Marketplace.Api;

/// <summary>
/// The OpenAPI component name of each type: its own short name (a generic one after its arguments, so
/// <c>Page&lt;ReviewResponse&gt;</c> is <c>ReviewResponsePage</c>; a nested one after its declaring type), prefixed by
/// its module (or, failing that, its namespace) only when another type of the API's assemblies has the same short name.
/// It depends on the types alone, never on the order the document meets them, so every build names every schema the same.
/// </summary>
internal static class SchemaNames
{
    private static readonly Lazy<Dictionary<Type, string>> Qualified = new(QualifySharedShortNames);

    public static string For(Type type) =>
        Qualified.Value.TryGetValue(type, out var name) ? name : Short(type, For);

    private static string Short(Type type, Func<Type, string> argumentName)
    {
        if (type.IsArray)
        {
            return argumentName(type.GetElementType()!) + "Array";
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = string.Concat(type.GetGenericArguments().Select(argumentName)) + name[..tick];
        }

        return type.IsNested && !type.IsGenericParameter ? Short(type.DeclaringType!, argumentName) + name : name;
    }

    /// <summary>The Marketplace types that share a short name, each with a name that tells them apart.</summary>
    private static Dictionary<Type, string> QualifySharedShortNames()
    {
        var host = typeof(SchemaNames).Assembly;
        var types = host.GetReferencedAssemblies()
            .Where(name => name.Name?.StartsWith("Marketplace.", StringComparison.Ordinal) == true)
            .Select(Assembly.Load)
            .Append(host)
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => !type.IsGenericTypeDefinition && !type.Name.Contains('<', StringComparison.Ordinal));
        var qualified = new Dictionary<Type, string>();
        foreach (var shared in types.GroupBy(type => Short(type, argument => argument.Name), StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            var byModule = shared.ToDictionary(type => type, type => Namespace(type, wholly: false) + shared.Key);
            var moduleTellsApart = byModule.Values.Distinct(StringComparer.Ordinal).Count() == byModule.Count;
            foreach (var type in shared)
            {
                qualified[type] = moduleTellsApart ? byModule[type] : Namespace(type, wholly: true) + shared.Key;
            }
        }

        return qualified;
    }

    /// <summary>The module of a Marketplace type (<c>Catalog</c> of <c>Marketplace.Catalog.Reviews</c>), or its whole namespace after <c>Marketplace</c>.</summary>
    private static string Namespace(Type type, bool wholly)
    {
        var parts = (type.Namespace ?? "").Split('.').Where(part => part.Length > 0 && part != "Marketplace").ToList();
        return wholly ? string.Concat(parts) : parts.FirstOrDefault() ?? "";
    }
}
