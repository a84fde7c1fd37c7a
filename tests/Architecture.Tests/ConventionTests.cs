using System.Reflection;
using System.Runtime.CompilerServices;
using FluentValidation;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Architecture.Tests;

/// <summary>
/// The house conventions, one way to do each thing: every request body has a validator, every endpoint handler sits
/// in the folder of its use case, routes are mapped only in a module's audience maps, and a module opens its internals
/// to its own test project only.
/// </summary>
public sealed class ConventionTests
{
    // Pricing is a library with no HTTP surface: its PricingRequest is an engine input, not a request body.
    private static readonly string[] SharedKernel = ["Marketplace.Platform", "Marketplace.Pricing"];

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
        Assert.Equal(["Marketplace.Cart", "Marketplace.Catalog", "Marketplace.Config", "Marketplace.Delivery", "Marketplace.Identity", "Marketplace.Notifications", "Marketplace.Ordering", "Marketplace.Payments"], Modules.Select(m => m.GetName().Name));

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
            .ToList();
        Assert.True(misplaced.Count == 0, $"{moduleName} has endpoint classes outside a use-case folder: {string.Join(", ", misplaced)}");
    }

    /// <summary>
    /// A route map is a static method that takes the route builder (<c>Map…(this IEndpointRouteBuilder)</c> or a
    /// <c>RouteGroupBuilder</c>). A module's maps sit at its root, one per audience, in a class named <c>…Api</c>
    /// (Catalog's <c>StorefrontApi</c>, <c>SellerApi</c>, <c>AdminApi</c>), or in its <c>…Module</c> class, whose
    /// <c>Map…Api</c> the host calls. A map anywhere else is a second place to look for a route.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Route_maps_are_the_modules_audience_maps_at_its_root(string moduleName)
    {
        var stray = Assembly.Load(moduleName).GetTypes()
            .Where(t => RouteMaps(t).Any() && !IsAudienceMap(t, moduleName))
            .Select(t => $"{t.FullName}.{RouteMaps(t).First().Name}")
            .ToList();
        Assert.True(stray.Count == 0, $"{moduleName} maps routes outside its audience maps: {string.Join(", ", stray)}");
    }

    [Fact]
    public void The_route_map_rule_tells_an_audience_map_from_a_stray_one()
    {
        const string module = "Marketplace.Architecture.Tests.Samples";
        Assert.True(IsAudienceMap(typeof(Samples.SampleModule), module));
        Assert.True(IsAudienceMap(typeof(Samples.StorefrontApi), module));
        Assert.Single(RouteMaps(typeof(Samples.Reviews.ReviewEndpoints)));
        Assert.False(IsAudienceMap(typeof(Samples.Reviews.ReviewEndpoints), module));
        Assert.False(IsAudienceMap(typeof(Samples.Reviews.ReviewsApi), module));
        Assert.False(IsAudienceMap(typeof(Samples.SellerRoutes), module));
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

    private static IEnumerable<MethodInfo> RouteMaps(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.GetParameters() is [var first, ..] && typeof(IEndpointRouteBuilder).IsAssignableFrom(first.ParameterType));

    private static bool IsAudienceMap(Type type, string moduleName) =>
        type.Namespace == moduleName && (type.Name.EndsWith("Api", StringComparison.Ordinal) || type.Name.EndsWith("Module", StringComparison.Ordinal));

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
