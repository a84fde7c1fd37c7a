using System.Reflection;
using System.Runtime.CompilerServices;
using FluentValidation;

namespace Marketplace.Architecture.Tests;

/// <summary>
/// The house conventions, one way to do each thing: every request body has a validator, every endpoint handler sits
/// in the folder of its use case, and a module opens its internals to its own test project only.
/// </summary>
public sealed class ConventionTests
{
    // Pricing is a library with no HTTP surface: its PricingRequest is an engine input, not a request body.
    private static readonly string[] SharedKernel = ["Marketplace.Platform", "Marketplace.Pricing"];

    /// <summary>
    /// Endpoint classes that predate the use-case folders. The Catalog's route maps are being reorganised under
    /// another point of issue 8; remove an entry when its class moves, and add none.
    /// </summary>
    private static readonly string[] EndpointClassesOutsideUseCaseFolders =
    [
        "Marketplace.Catalog.Brands.BrandEndpoints",
        "Marketplace.Catalog.Categories.CategoryEndpoints",
        "Marketplace.Catalog.Compare.CompareEndpoints",
        "Marketplace.Catalog.Links.LinkEndpoints",
        "Marketplace.Catalog.ProductDetail.ProductDetailEndpoints",
        "Marketplace.Catalog.Reviews.ReviewEndpoints",
        "Marketplace.Catalog.Search.BrowseEndpoints",
    ];

    /// <summary>
    /// Test projects allowed to reach into another module's internals, as (module, test project): none. A test of a
    /// module's behaviour lives in that module's test project; other test projects arrange through public endpoints.
    /// </summary>
    private static readonly (string Module, string TestProject)[] ForeignInternalsAccess = [];

    private static IReadOnlyList<Assembly> SourceAssemblies { get; } = typeof(Program).Assembly.GetReferencedAssemblies()
        .Where(a => a.Name!.StartsWith("Marketplace.", StringComparison.Ordinal))
        .Select(Assembly.Load)
        .OrderBy(a => a.GetName().Name, StringComparer.Ordinal)
        .ToList();

    private static IEnumerable<Assembly> Modules => SourceAssemblies.Where(a => !SharedKernel.Contains(a.GetName().Name));

    public static TheoryData<string> ModuleNames() => new(Modules.Select(m => m.GetName().Name!));

    [Fact]
    public void The_conventions_are_checked_against_every_module_the_host_composes() =>
        Assert.Equal(["Marketplace.Cart", "Marketplace.Catalog", "Marketplace.Config", "Marketplace.Delivery", "Marketplace.Identity"], Modules.Select(m => m.GetName().Name));

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Every_request_record_has_a_validator(string moduleName)
    {
        var module = Assembly.Load(moduleName);
        var types = module.GetTypes();
        var unvalidated = types
            .Where(t => IsRecord(t) && t.Name.EndsWith("Request", StringComparison.Ordinal))
            .Where(request => !types.Any(v => v is { IsClass: true, IsAbstract: false } && typeof(IValidator<>).MakeGenericType(request).IsAssignableFrom(v)))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(unvalidated.Count == 0, $"{moduleName} binds request bodies nothing validates: {string.Join(", ", unvalidated)}");
    }

    /// <summary>
    /// An endpoint class is a static class with a static <c>Handle</c> method, or one named <c>…Endpoints</c>. It
    /// lives in a use-case folder: it handles one use case (exactly one <c>Handle</c>, and no grab-bag
    /// <c>…Endpoints</c> name) and sits in a folder below the module root, beside its request and validator.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Endpoint_classes_live_in_use_case_folders(string moduleName)
    {
        var module = Assembly.Load(moduleName);
        var misplaced = module.GetTypes()
            .Where(IsEndpointClass)
            .Where(t => !InUseCaseFolder(t, moduleName))
            .Select(t => t.FullName!)
            .Except(EndpointClassesOutsideUseCaseFolders)
            .ToList();
        Assert.True(misplaced.Count == 0, $"{moduleName} has endpoint classes outside a use-case folder: {string.Join(", ", misplaced)}");
    }

    [Fact]
    public void The_endpoint_class_allow_list_names_only_classes_that_still_break_the_convention()
    {
        var stillMisplaced = SourceAssemblies.SelectMany(a => a.GetTypes())
            .Where(t => IsEndpointClass(t) && !InUseCaseFolder(t, t.Assembly.GetName().Name!))
            .Select(t => t.FullName!)
            .ToHashSet();
        var stale = EndpointClassesOutsideUseCaseFolders.Where(name => !stillMisplaced.Contains(name)).ToList();
        Assert.True(stale.Count == 0, $"These endpoint classes now follow the convention; remove them from the allow-list: {string.Join(", ", stale)}");
    }

    /// <summary>
    /// Read from the compiled assemblies, so it holds whether <c>InternalsVisibleTo</c> is declared in the project
    /// file or in code. The known exception must match exactly: a new one fails, and so does a stale entry.
    /// </summary>
    [Fact]
    public void A_module_opens_its_internals_only_to_its_own_test_project()
    {
        var foreign = SourceAssemblies
            .SelectMany(a => a.GetCustomAttributes<InternalsVisibleToAttribute>()
                .Select(v => (Module: a.GetName().Name!, TestProject: v.AssemblyName.Split(',')[0].Trim())))
            .Where(pair => pair.TestProject != pair.Module + ".Tests")
            .OrderBy(pair => pair.Module, StringComparer.Ordinal)
            .ThenBy(pair => pair.TestProject, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(ForeignInternalsAccess, foreign);
    }

    private static bool IsRecord(Type type) => type.IsClass && type.GetMethod("<Clone>$") is not null;

    private static bool IsEndpointClass(Type type) =>
        type is { IsAbstract: true, IsSealed: true, IsNested: false }
        && (type.Name.EndsWith("Endpoints", StringComparison.Ordinal) || HandleMethods(type).Any());

    private static bool InUseCaseFolder(Type type, string moduleName) =>
        type.Namespace is { } ns
        && ns.StartsWith(moduleName + ".", StringComparison.Ordinal)
        && !type.Name.EndsWith("Endpoints", StringComparison.Ordinal)
        && HandleMethods(type).Count() == 1;

    private static IEnumerable<MethodInfo> HandleMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.Name == "Handle");
}
