using System.Net;
using System.Net.Http.Json;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Reviews;
using Marketplace.Platform.Paging;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Reviews;

public sealed class ReviewTests(AdminMarketplaceFactory factory) : IClassFixture<AdminMarketplaceFactory>
{
    [Fact]
    public async Task A_review_updates_the_product_rating_and_a_second_review_by_the_same_customer_is_a_conflict()
    {
        var product = await NewProductAsync();
        var client = factory.CreateClient();
        var alice = await IdentityFlows.RegisterCustomerAsync(client);
        var bob = await IdentityFlows.RegisterCustomerAsync(client);

        (await Customer(alice).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(5, "Great"))).EnsureSuccessStatusCode();
        (await Customer(bob).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(2, "Meh"))).EnsureSuccessStatusCode();
        var again = await Customer(alice).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(1, "Changed my mind"));

        await again.AssertProblemAsync(HttpStatusCode.Conflict);
        var (average, count) = await RatingOfAsync(product.Id);
        Assert.Equal(2, count);
        Assert.Equal(3.5, average, 6);
    }

    [Fact]
    public async Task Concurrent_reviews_of_one_product_all_count_in_its_rating()
    {
        var product = await NewProductAsync();
        var client = factory.CreateClient();
        var customers = new List<CustomerSession>();
        for (var i = 0; i < 10; i++)
        {
            customers.Add(await IdentityFlows.RegisterCustomerAsync(client));
        }

        var responses = await Task.WhenAll(customers.Select((c, i) =>
            Customer(c).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest((i % 5) + 1, null))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var (average, count) = await RatingOfAsync(product.Id);
        Assert.Equal(10, count);
        Assert.Equal(3.0, average, 6);
        Assert.Equal(new[] { 2, 2, 2, 2, 2 }, await StarsOfAsync(product.Id));
    }

    [Fact]
    public async Task Editing_and_hiding_a_review_move_the_rating_and_hidden_reviews_are_not_listed()
    {
        var product = await NewProductAsync();
        var client = factory.CreateClient();
        var alice = await IdentityFlows.RegisterCustomerAsync(client);
        var bob = await IdentityFlows.RegisterCustomerAsync(client);
        await Customer(alice).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(4, "Good"));
        var bobs = await (await Customer(bob).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(1, "spam spam")))
            .Content.ReadFromJsonAsync<ReviewResponse>();

        (await Customer(alice).PutAsJsonAsync($"/api/v1/products/{product.Id}/reviews/mine", new ReviewRequest(5, "Better than I thought"))).EnsureSuccessStatusCode();
        Assert.Equal((3.0, 2), await RatingOfAsync(product.Id));
        Assert.Equal(new[] { 1, 0, 0, 0, 1 }, await StarsOfAsync(product.Id));

        var admin = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(client));
        (await admin.PutAsJsonAsync($"/api/v1/admin/reviews/{bobs!.Id}/status", new { status = "Hidden" })).EnsureSuccessStatusCode();

        Assert.Equal((5.0, 1), await RatingOfAsync(product.Id));
        Assert.Equal(new[] { 0, 0, 0, 0, 1 }, await StarsOfAsync(product.Id));
        var page = await client.GetFromJsonAsync<Page<ReviewResponse>>($"/api/v1/products/{product.Id}/reviews");
        var listed = Assert.Single(page!.Items);
        Assert.Equal("Better than I thought", listed.Text);
    }

    [Fact]
    public async Task Reviews_page_newest_first_with_a_cursor()
    {
        var product = await NewProductAsync();
        var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var customer = await IdentityFlows.RegisterCustomerAsync(client);
            (await Customer(customer).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(4, $"review {i}"))).EnsureSuccessStatusCode();
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<Page<ReviewResponse>>($"/api/v1/products/{product.Id}/reviews?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page!.Items.Select(r => r.Text));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(["review 4", "review 3", "review 2", "review 1", "review 0"], seen);
    }

    [Theory]
    [InlineData("""{"rating":0,"text":"x"}""", "rating")]
    [InlineData("""{"rating":6}""", "rating")]
    [InlineData("""{"rating":"five"}""", "rating")]
    [InlineData("""{"rating":3,"text":12}""", "text")]
    [InlineData("""{"rating":3,"text":"bell\u0007"}""", "text")]
    public async Task Bad_reviews_are_refused_naming_the_field_and_change_nothing(string body, string field)
    {
        var product = await NewProductAsync();
        var client = factory.CreateClient();
        var customer = await IdentityFlows.RegisterCustomerAsync(client);

        var response = await Customer(customer).PostAsync($"/api/v1/products/{product.Id}/reviews", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationProblemAsync(field);
        Assert.Equal((0.0, 0), await RatingOfAsync(product.Id));
    }

    [Fact]
    public async Task Reviewing_needs_a_signed_in_customer_and_moderating_needs_an_admin()
    {
        var product = await NewProductAsync();
        var client = factory.CreateClient();
        var anonymous = await client.PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(5, "x"));
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);

        var customer = await IdentityFlows.RegisterCustomerAsync(client);
        var created = await (await Customer(customer).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(5, "x")))
            .Content.ReadFromJsonAsync<ReviewResponse>();
        var notAdmin = await Customer(customer).PutAsJsonAsync($"/api/v1/admin/reviews/{created!.Id}/status", new { status = "Hidden" });
        await notAdmin.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal((5.0, 1), await RatingOfAsync(product.Id));
        Assert.Equal(new[] { 0, 0, 0, 0, 1 }, await StarsOfAsync(product.Id));
    }

    [Fact]
    public async Task Public_reviews_show_a_pseudonym_and_never_the_customers_account_id()
    {
        var product = await NewProductAsync();
        var client = factory.CreateClient();
        var alice = await IdentityFlows.RegisterCustomerAsync(client);
        var bob = await IdentityFlows.RegisterCustomerAsync(client);
        var created = await Customer(alice).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(5, "Great"));
        (await Customer(bob).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new ReviewRequest(3, "Fine"))).EnsureSuccessStatusCode();

        var listing = await client.GetStringAsync($"/api/v1/products/{product.Id}/reviews");

        foreach (var text in new[] { listing, await created.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotContain(alice.UserId.ToString(), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(alice.UserId.ToString("N"), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("customerId", text, StringComparison.OrdinalIgnoreCase);
        }

        var authors = System.Text.Json.JsonDocument.Parse(listing).RootElement.GetProperty("items").EnumerateArray()
            .Select(r => r.GetProperty("author").GetString()!).ToList();
        Assert.Equal(2, authors.Distinct().Count());
        Assert.All(authors, a => Assert.StartsWith("Customer ", a, StringComparison.Ordinal));
    }

    private HttpClient Customer(CustomerSession session) => factory.CreateClient(session.AccessToken);

    private async Task<Product> NewProductAsync() =>
        await CatalogArrange.ProductAsync(factory, await CatalogArrange.CategoryAsync(factory), $"Reviewed {Guid.NewGuid():N}");

    private async Task<(double Average, int Count)> RatingOfAsync(Guid productId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == productId);
        return (Math.Round(product.RatingAverage, 6), product.RatingCount);
    }

    /// <summary>The product row's published reviews per star, one to five (what the product page shows).</summary>
    private async Task<int[]> StarsOfAsync(Guid productId)
    {
        using var scope = factory.Services.CreateScope();
        var product = await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Products.AsNoTracking().SingleAsync(p => p.Id == productId);
        return [product.RatingStars1, product.RatingStars2, product.RatingStars3, product.RatingStars4, product.RatingStars5];
    }
}
