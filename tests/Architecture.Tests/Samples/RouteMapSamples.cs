using Microsoft.AspNetCore.Routing;

// Shapes the route-map rule must accept or refuse, laid out as a module would be (root namespace, use-case folder).
namespace Marketplace.Architecture.Tests.Samples
{
    internal static class SampleModule
    {
        public static IEndpointRouteBuilder MapSampleApi(this IEndpointRouteBuilder app) => app;
    }

    internal static class StorefrontApi
    {
        public static RouteGroupBuilder MapStorefrontApi(this RouteGroupBuilder api) => api;
    }

    internal static class SellerRoutes
    {
        public static RouteGroupBuilder MapSellerRoutes(this RouteGroupBuilder api) => api;
    }
}

namespace Marketplace.Architecture.Tests.Samples.Reviews
{
    internal static class ReviewEndpoints
    {
        public static RouteGroupBuilder MapReviews(this RouteGroupBuilder api) => api;
    }

    internal static class ReviewsApi
    {
        public static RouteGroupBuilder MapReviewsApi(this RouteGroupBuilder api) => api;
    }
}
