using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Marketplace.Architecture.Tests;

/// <summary>
/// The compiler keeps a module's internals internal; these tests keep the rest of the promise: a module (or the
/// host) touches another module only through its <c>Contracts</c> namespace or its registration (the <c>XModule</c>
/// class with its endpoint map, and the types its public methods take and return), and a module's public surface is
/// its registration, its contracts and its HTTP request/response shapes. Platform and Pricing are the shared kernel:
/// any module may use them, and they use no module.
/// </summary>
public sealed class ModuleBoundaryTests
{
    // Pricing is a pure library any module may call, like Platform: it has no internals to protect.
    private static readonly string[] SharedKernel = ["Marketplace.Platform", "Marketplace.Pricing"];

    private static IReadOnlyList<Assembly> Modules { get; } = LoadModules();

    private static List<Assembly> LoadModules()
    {
        var host = typeof(Program).Assembly;
        return host.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("Marketplace.", StringComparison.Ordinal) && !SharedKernel.Contains(a.Name))
            .Select(Assembly.Load)
            .OrderBy(a => a.GetName().Name, StringComparer.Ordinal)
            .ToList();
    }

    public static TheoryData<string> ModuleNames()
    {
        var data = new TheoryData<string>();
        foreach (var module in Modules)
        {
            data.Add(module.GetName().Name!);
        }

        return data;
    }

    [Fact]
    public void The_host_composes_at_least_the_catalog_module() =>
        Assert.Contains(Modules, m => m.GetName().Name == "Marketplace.Catalog");

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_uses_other_modules_only_through_their_contracts(string moduleName)
    {
        var offending = ForeignTypeReferences(Assembly.Load(moduleName))
            .Where(r => !IsContract(r) && !IsRegistration(r))
            .ToList();
        Assert.True(offending.Count == 0, $"{moduleName} uses other modules' internals: {string.Join(", ", offending)}");
    }

    [Fact]
    public void The_host_uses_modules_only_through_their_registration_and_contracts()
    {
        var offending = ForeignTypeReferences(typeof(Program).Assembly)
            .Where(r => !IsContract(r) && !IsRegistration(r))
            .ToList();
        Assert.True(offending.Count == 0, $"The host reaches into modules: {string.Join(", ", offending)}");
    }

    public static TheoryData<string> SharedKernelNames() => new(SharedKernel);

    [Theory]
    [MemberData(nameof(SharedKernelNames))]
    public void The_shared_kernel_depends_on_no_module(string kernelName)
    {
        var kernel = Assembly.Load(kernelName);
        var modules = Modules.Select(m => m.GetName().Name).ToHashSet();
        Assert.DoesNotContain(kernel.GetReferencedAssemblies(), a => modules.Contains(a.Name));
    }

    [Fact]
    public void Every_module_has_a_registration_class_with_an_endpoint_map() =>
        Assert.All(Modules, module =>
        {
            var registration = Assert.Single(module.GetExportedTypes(), IsModuleClass);
            Assert.Contains(registration.GetMethods(BindingFlags.Public | BindingFlags.Static), m => m.Name.StartsWith("Map", StringComparison.Ordinal) && m.Name.EndsWith("Api", StringComparison.Ordinal));
        });

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_exposes_only_its_registration_contracts_and_http_shapes(string moduleName)
    {
        var module = Assembly.Load(moduleName);
        var httpShapes = HttpShapes(module);
        var surplus = module.GetExportedTypes()
            .Where(t => !IsRegistrationType(t) && !IsContractNamespace(t.Namespace) && !httpShapes.Contains(t) && !IsGeneratedMigration(t))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(surplus.Count == 0, $"{moduleName} makes public what should be internal: {string.Join(", ", surplus)}");
    }

    private sealed record TypeReferenceInfo(string Assembly, string Namespace, string Name)
    {
        public override string ToString() => $"{Namespace}.{Name} ({Assembly})";
    }

    /// <summary>Every type the assembly's IL refers to in another Marketplace module, read from its metadata.</summary>
    private static IEnumerable<TypeReferenceInfo> ForeignTypeReferences(Assembly assembly)
    {
        var own = assembly.GetName().Name!;
        var modules = Modules.Select(m => m.GetName().Name!).Where(n => n != own).ToHashSet();
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var found = new List<TypeReferenceInfo>();
        foreach (var handle in reader.TypeReferences)
        {
            var reference = reader.GetTypeReference(handle);
            var scope = reference.ResolutionScope;
            while (scope.Kind == HandleKind.TypeReference)
            {
                // A nested type: its assembly and namespace are its outermost declaring type's.
                var outer = reader.GetTypeReference((TypeReferenceHandle)scope);
                reference = outer;
                scope = outer.ResolutionScope;
            }

            if (scope.Kind != HandleKind.AssemblyReference)
            {
                continue;
            }

            var target = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
            if (modules.Contains(target))
            {
                found.Add(new TypeReferenceInfo(target, reader.GetString(reference.Namespace), reader.GetString(reference.Name)));
            }
        }

        return found.Distinct();
    }

    private static bool IsContract(TypeReferenceInfo reference) => IsContractNamespace(reference.Namespace);

    private static bool IsContractNamespace(string? ns) => ns is not null && ns.EndsWith(".Contracts", StringComparison.Ordinal);

    /// <summary>
    /// The registration surface: the module's <c>XModule</c> class in its root namespace (adding the module, mapping
    /// its endpoints, the commands it offers the host) and the module types its public methods take and return.
    /// Anything else in the root namespace is internal business.
    /// </summary>
    private static bool IsRegistration(TypeReferenceInfo reference)
    {
        var module = Modules.Single(m => m.GetName().Name == reference.Assembly);
        return RegistrationTypes(module).Any(t => t.Namespace == reference.Namespace && t.Name == reference.Name);
    }

    private static bool IsRegistrationType(Type type) => RegistrationTypes(type.Assembly).Contains(Outermost(type));

    private static bool IsModuleClass(Type type) =>
        type.Namespace == type.Assembly.GetName().Name && type.DeclaringType is null && type.Name.EndsWith("Module", StringComparison.Ordinal);

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private static HashSet<Type> RegistrationTypes(Assembly module)
    {
        var registration = module.GetExportedTypes().Where(IsModuleClass).ToHashSet();
        foreach (var method in registration.ToList().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)))
        {
            var carried = method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType)
                .SelectMany(t => Unwrap(t.IsByRef ? t.GetElementType()! : t))
                .Where(t => t.Assembly == module);
            registration.UnionWith(carried.Select(Outermost));
        }

        return registration;
    }

    /// <summary>
    /// The request and response records of the HTTP API (named <c>…Request</c>, <c>…Response</c>, <c>…Query</c>…)
    /// and every module type their public properties carry, transitively: the documented HTTP shapes.
    /// </summary>
    private static HashSet<Type> HttpShapes(Assembly module)
    {
        var shapes = new HashSet<Type>();
        var pending = new Queue<Type>(module.GetExportedTypes().Where(IsHttpShape));
        while (pending.TryDequeue(out var type))
        {
            if (type.Assembly != module || !shapes.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                foreach (var carried in Unwrap(property.PropertyType))
                {
                    pending.Enqueue(carried);
                }
            }
        }

        return shapes;
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.IsArray)
        {
            return Unwrap(type.GetElementType()!);
        }

        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type.GetGenericTypeDefinition()) : [type];
    }

    /// <summary>EF Core's tool writes migrations as public classes; nothing but EF itself refers to them.</summary>
    private static bool IsGeneratedMigration(Type type) =>
        type.BaseType?.FullName is "Microsoft.EntityFrameworkCore.Migrations.Migration" or "Microsoft.EntityFrameworkCore.Infrastructure.ModelSnapshot";

    /// <summary>Request and response records and the enums they carry: they are the documented HTTP API.</summary>
    private static bool IsHttpShape(Type type) =>
        type.IsEnum
        || new[] { "Request", "Response", "Dto", "Row", "Result", "Query", "Facet", "Summary", "Hit", "Page" }
            .Any(suffix => type.Name.EndsWith(suffix, StringComparison.Ordinal) || type.Name.Contains(suffix + "`", StringComparison.Ordinal));
}
