// A guest's whole purchase through the typed client: browse, search, read a product, fill a cart, quote delivery and
// check out with an idempotency key. `npm run typecheck` compiles it against the generated types, so it breaks when the
// API does; run it against the embedded host with `npm run example`.
import { createMarketplaceClient, fieldErrors, newIdempotencyKey, wasReplayed, type Schemas } from "../src/index.js";

// Where `dotnet run --project api` answers (api/Properties/launchSettings.json).
const baseUrl = "http://localhost:5080";
let cartToken: string | undefined;
const api = createMarketplaceClient({ baseUrl, cartToken: () => cartToken, language: () => "en" });

// Browse and search: keyset pages, facets, typo-tolerant text.
const page = await api.GET("/api/v1/products", { params: { query: { q: "hodie", limit: 12, inStock: true } } });
if (!page.data) throw new Error(`search failed: ${page.response.status}`);
console.log(`${page.data.items?.length ?? 0} products; typo tolerant: ${page.data.typoTolerant}; more: ${page.data.nextCursor != null}`);

const first = page.data.items?.[0];
if (!first?.id) throw new Error("no product in stock");
const product = await api.GET("/api/v1/products/{productId}", { params: { path: { productId: first.id } } });
const offer = product.data?.buyBox;
if (!offer?.offerId) throw new Error("the product has no offer to buy");
console.log(`${product.data?.title}: ${offer.price} ${offer.currency} from ${offer.sellerName}`);

// A guest cart: its token is shown once; the client sends it as X-Cart-Token from now on.
const created = await api.POST("/api/v1/cart/guest");
cartToken = created.data?.token ?? undefined;
const added = await api.POST("/api/v1/cart/lines", { body: { offerId: offer.offerId, quantity: 1 } });
if (added.error) throw new Error(`add to cart: ${JSON.stringify(fieldErrors(added.error))}`);

// Quote delivery for an address, then check out with the cheapest option of each seller.
const shippingAddress = { name: "Ada Lovelace", country: "DE", postalCode: "10115", city: "Berlin", lines: ["Invalidenstr. 1"] };
const quote = await api.POST("/api/v1/checkout/quote", { body: { shippingAddress } });
const quoted = quote.data;
if (!quoted) throw new Error(`quote: ${quote.response.status}`);
const delivery = (quoted.sellers ?? []).map((seller: Schemas["SellerQuoteResponse"]) => ({
  sellerId: seller.sellerId,
  quoteId: quoted.quoteId,
  optionId: seller.cheapestOptionId,
}));

// One key per purchase: a retry after a lost answer sends the same key and gets the same orders, never two.
const key = newIdempotencyKey();
const order = await api.POST("/api/v1/checkout", {
  params: { header: { "Idempotency-Key": key } },
  body: {
    email: "ada@example.com",
    shippingAddress,
    delivery,
    paymentMethodId: "pm_card_visa",
    expectedTotal: quoted.total,
    cartFingerprint: quoted.cartFingerprint,
  },
});
if (order.error) {
  console.error(`checkout refused (${order.response.status}):`, order.error);
} else {
  console.log(`order ${order.data.number}: ${order.data.total} ${order.data.currency}, payment ${order.data.payment?.status}; replayed: ${wasReplayed(order.response)}`);
}
