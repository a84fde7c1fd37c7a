using System.Text.Json;
using Marketplace.Delivery.Rules;
using Marketplace.TestSupport;

namespace Marketplace.Delivery.Tests.Rules;

/// <summary>Delivery documents checked before they take effect: each failure names the JSON path of the field.</summary>
public sealed class DeliveryRulesValidatorTests
{
    private const string Zone = """{ "id": "de", "name": "Germany", "countries": ["DE"] }""";
    private const string Service = """{ "id": "courier", "name": "Courier", "kind": "CourierToDoor", "maxParcelWeightGrams": 20000, "maxLongestSideMm": 1000 }""";
    private const string Band = """{ "upToGrams": 1000, "price": { "amount": 5, "currency": "EUR" } }""";
    private const string Transit = """{ "min": 1, "max": 2 }""";

    private readonly DeliveryRulesValidator _validator = new();

    [Fact]
    public void The_demo_rules_in_config_runtime_are_valid()
    {
        var errors = Check(File.ReadAllText(DemoRulesFile()));

        Assert.True(errors.Count == 0, string.Join("; ", errors));
    }

    [Fact]
    public void The_empty_document_is_valid_and_delivers_nowhere() => Assert.Empty(Check("{}"));

    [Fact]
    public void The_test_rules_are_valid() => Assert.Empty(Check(TestRules.Document()));

    [Fact]
    public void A_zone_may_enable_CDEK() =>
        Assert.Empty(Check("""{ "zones": [ { "id": "ru", "name": "Russia", "countries": ["RU"], "carriers": ["cdek"] } ] }"""));

    [Theory]
    [InlineData("null holidays", """{ "holidays": null }""", "holidays")]
    [InlineData("null rates", """{ "rates": null }""", "rates")]
    [InlineData("null seller cut-offs", """{ "sellerCutOffs": null }""", "sellerCutOffs")]
    [InlineData("null postal codes in a zone", """{ "zones": [ { "id": "b", "name": "B", "countries": ["DE"], "postalCodes": null } ] }""", "zones[0].postalCodes")]
    [InlineData("an unknown currency", """{ "currency": "XXX" }""", "currency")]
    [InlineData("an unknown time zone", """{ "cutOff": { "time": "14:00", "timeZone": "Mars/Olympus" } }""", "cutOff.timeZone")]
    [InlineData("no working days", """{ "workingDays": [] }""", "workingDays")]
    [InlineData("a working day twice", """{ "workingDays": ["Monday", "Monday"] }""", "workingDays[1]")]
    [InlineData("a seller cut-off twice", """{ "sellerCutOffs": [ { "sellerId": "0a0a0a0a-0000-4000-8000-000000000001", "time": "12:00" }, { "sellerId": "0a0a0a0a-0000-4000-8000-000000000001", "time": "13:00" } ] }""", "sellerCutOffs[1].sellerId")]
    [InlineData("an unknown carrier in a zone", """{ "zones": [ { "id": "ru", "name": "Russia", "countries": ["RU"], "carriers": ["cdke"] } ] }""", "zones[0].carriers[0]")]
    [InlineData("a carrier twice in a zone", """{ "zones": [ { "id": "ru", "name": "Russia", "countries": ["RU"], "carriers": ["cdek", "cdek"] } ] }""", "zones[0].carriers[1]")]
    [InlineData("null carriers in a zone", """{ "zones": [ { "id": "ru", "name": "Russia", "countries": ["RU"], "carriers": null } ] }""", "zones[0].carriers")]
    [InlineData("a country in lower case", """{ "zones": [ { "id": "de", "name": "Germany", "countries": ["de"] } ] }""", "zones[0].countries[0]")]
    [InlineData("a country that does not exist", """{ "zones": [ { "id": "x", "name": "X", "countries": ["XY"] } ] }""", "zones[0].countries[0]")]
    [InlineData("a zone without countries", """{ "zones": [ { "id": "x", "name": "X", "countries": [] } ] }""", "zones[0].countries")]
    [InlineData("a zone without a name", """{ "zones": [ { "id": "x", "countries": ["DE"] } ] }""", "zones[0].name")]
    [InlineData("two zones with one id", """{ "zones": [ { "id": "x", "name": "X", "countries": ["DE"] }, { "id": "x", "name": "Y", "countries": ["AT"] } ] }""", "zones[1].id")]
    [InlineData("a zone hidden by an earlier whole-country zone", """{ "zones": [ { "id": "de", "name": "Germany", "countries": ["DE"] }, { "id": "berlin", "name": "Berlin", "countries": ["DE"], "postalCodes": [ { "prefix": "10" } ] } ] }""", "zones[1].countries[0]")]
    [InlineData("a postal range ending before it starts", """{ "zones": [ { "id": "b", "name": "B", "countries": ["DE"], "postalCodes": [ { "from": "14999", "to": "10000" } ] } ] }""", "zones[0].postalCodes[0].to")]
    [InlineData("a postal range with bounds of different lengths", """{ "zones": [ { "id": "b", "name": "B", "countries": ["DE"], "postalCodes": [ { "from": "100", "to": "14999" } ] } ] }""", "zones[0].postalCodes[0].to")]
    [InlineData("a postal range without its end", """{ "zones": [ { "id": "b", "name": "B", "countries": ["DE"], "postalCodes": [ { "from": "10000" } ] } ] }""", "zones[0].postalCodes[0].to")]
    [InlineData("a prefix and a range at once", """{ "zones": [ { "id": "b", "name": "B", "countries": ["DE"], "postalCodes": [ { "prefix": "10", "from": "10000", "to": "10999" } ] } ] }""", "zones[0].postalCodes[0]")]
    [InlineData("a prefix with punctuation", """{ "zones": [ { "id": "b", "name": "B", "countries": ["DE"], "postalCodes": [ { "prefix": "10*" } ] } ] }""", "zones[0].postalCodes[0].prefix")]
    [InlineData("a service without a maximum weight", """{ "services": [ { "id": "c", "name": "C", "kind": "CourierToDoor", "maxLongestSideMm": 1000 } ] }""", "services[0].maxParcelWeightGrams")]
    [InlineData("a volumetric divisor of zero", """{ "services": [ { "id": "c", "name": "C", "kind": "CourierToDoor", "volumetricDivisor": 0, "maxParcelWeightGrams": 1000, "maxLongestSideMm": 1000 } ] }""", "services[0].volumetricDivisor")]
    [InlineData("a negative girth limit", """{ "services": [ { "id": "c", "name": "C", "kind": "CourierToDoor", "maxParcelWeightGrams": 1000, "maxLongestSideMm": 1000, "maxLengthPlusGirthMm": -1 } ] }""", "services[0].maxLengthPlusGirthMm")]
    [InlineData("a surcharge in another currency", """{ "services": [ { "id": "c", "name": "C", "kind": "CourierToDoor", "maxParcelWeightGrams": 1000, "maxLongestSideMm": 1000, "extraParcelSurcharge": { "amount": 1, "currency": "USD" } } ] }""", "services[0].extraParcelSurcharge.currency")]
    [InlineData("a rate for an unknown zone", """{ "services": [ __S__ ], "rates": [ { "zone": "mars", "service": "courier", "bands": [ __B__ ], "transitDays": __T__ } ] }""", "rates[0].zone")]
    [InlineData("a rate for an unknown service", """{ "zones": [ __Z__ ], "rates": [ { "zone": "de", "service": "drone", "bands": [ __B__ ], "transitDays": __T__ } ] }""", "rates[0].service")]
    [InlineData("two rates for one zone and service", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ __B__ ], "transitDays": __T__ }, { "zone": "de", "service": "courier", "bands": [ __B__ ], "transitDays": __T__ } ] }""", "rates[1]")]
    [InlineData("a rate without bands", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [], "transitDays": __T__ } ] }""", "rates[0].bands")]
    [InlineData("bands that do not go up", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ __B__, __B__ ], "transitDays": __T__ } ] }""", "rates[0].bands[1].upToGrams")]
    [InlineData("a band priced in another currency", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ { "upToGrams": 1000, "price": { "amount": 5, "currency": "GBP" } } ], "transitDays": __T__ } ] }""", "rates[0].bands[0].price.currency")]
    [InlineData("a negative band price", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ { "upToGrams": 1000, "price": { "amount": -5, "currency": "EUR" } } ], "transitDays": __T__ } ] }""", "rates[0].bands[0].price.amount")]
    [InlineData("a band price with too many decimals", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ { "upToGrams": 1000, "price": { "amount": 4.999, "currency": "EUR" } } ], "transitDays": __T__ } ] }""", "rates[0].bands[0].price.amount")]
    [InlineData("transit ending before it starts", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ __B__ ], "transitDays": { "min": 3, "max": 1 } } ] }""", "rates[0].transitDays.max")]
    [InlineData("negative transit", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ __B__ ], "transitDays": { "min": -1, "max": 1 } } ] }""", "rates[0].transitDays.min")]
    public void A_bad_document_is_refused_naming_the_field(string problem, string document, string field)
    {
        var errors = Check(Expand(document));

        Assert.True(errors.Any(e => ProblemAssertions.Names(e.Field, field)), $"{problem}: expected an error naming {field}, got {string.Join("; ", errors)}");
    }

    internal static string Expand(string document) => document
        .Replace("__Z__", Zone, StringComparison.Ordinal)
        .Replace("__S__", Service, StringComparison.Ordinal)
        .Replace("__B__", Band, StringComparison.Ordinal)
        .Replace("__T__", Transit, StringComparison.Ordinal);

    private List<(string Field, string Message)> Check(string document)
    {
        var rules = JsonSerializer.Deserialize<DeliveryRules>(document, TestRules.Json)!;
        return [.. _validator.Validate(rules).Errors.Select(e => (e.PropertyName, e.ErrorMessage))];
    }

    private static string DemoRulesFile()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "config", "runtime", "delivery.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("config/runtime/delivery.json was not found above the test's directory.");
    }
}
