/*
 * Marketplace drop-in storefront: one script tag renders a product grid, a product card, and a cart drawer with
 * checkout into any page (a Tilda HTML block, a partner's site), calling the marketplace API from the browser (CORS).
 *
 *   <script src="https://API/storefront/storefront.js" defer></script>
 *   <div data-marketplace="grid" data-category="CATEGORY-ID" data-query="hoodie" data-page-size="12"></div>
 *   <div data-marketplace="product" data-product-id="PRODUCT-ID"></div>
 *   <div data-marketplace="cart"></div>
 *
 * Options on the script tag: data-api (the API's origin; by default the script's own), data-lang (ru or en; by default
 * the page's lang). Styling: CSS custom properties --mp-* (see storefront.css). No eval, no inline handlers, no
 * innerHTML of data: the page's Content-Security-Policy needs only script-src, style-src and connect-src for the API.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var api = ((script && script.dataset.api) || (script ? new URL(script.src).origin : location.origin)).replace(/\/+$/, "");
  var lang = pickLanguage((script && script.dataset.lang) || document.documentElement.lang || navigator.language);
  var tokenKey = "marketplace.cart:" + api;
  var checkoutKeyName = "marketplace.checkout-key:" + api;

  var TEXT = {
    en: {
      loading: "Loading…", loadMore: "Show more", noResults: "Nothing found.", failed: "Something went wrong. Please try again.",
      brands: "Brand", inStock: "In stock", outOfStock: "Out of stock", from: "from", addToCart: "Add to cart", added: "Added to cart",
      otherOffers: "Other sellers", seller: "Seller", dispatch: "Ships in {0} days", rating: "{0} of 5 ({1} reviews)",
      cart: "Cart", cartCount: "Cart ({0})", close: "Close", emptyCart: "Your cart is empty.", quantity: "Quantity", remove: "Remove",
      subtotal: "Subtotal", discount: "Discount", total: "Total", applied: "Applied: {0}", notApplied: "Not applied: {0} — {1}",
      freeDelivery: "Free delivery from {0}: {1} to go", freeDeliveryMet: "Free delivery: {0}",
      promoCode: "Promo code", apply: "Apply", checkout: "Checkout", name: "Full name", email: "Email", country: "Country (2 letters)",
      postalCode: "Postal code", city: "City", street: "Street and house", getOptions: "Show delivery options",
      deliveryFor: "Delivery from {0}", card: "Test card", placeOrder: "Pay {0}", orderPlaced: "Thank you! Order {0} is placed.",
      paymentAction: "Your bank asks you to confirm the payment.", unavailable: "Unavailable: {0}",
      cardVisa: "Visa, succeeds", cardDeclined: "Declined card", card3ds: "Visa with 3-D Secure",
      eta: "{0}–{1}", searchLabel: "Search products", sellerItems: "Seller {0}",
      confirmPayment: "Confirm payment", refusePayment: "Cancel payment", paymentConfirmed: "Payment confirmed.", paymentRefused: "The payment was not confirmed."
    },
    ru: {
      loading: "Загрузка…", loadMore: "Показать ещё", noResults: "Ничего не найдено.", failed: "Что-то пошло не так. Попробуйте ещё раз.",
      brands: "Бренд", inStock: "В наличии", outOfStock: "Нет в наличии", from: "от", addToCart: "В корзину", added: "Добавлено в корзину",
      otherOffers: "Другие продавцы", seller: "Продавец", dispatch: "Отправка через {0} дн.", rating: "{0} из 5 ({1} отзывов)",
      cart: "Корзина", cartCount: "Корзина ({0})", close: "Закрыть", emptyCart: "Корзина пуста.", quantity: "Количество", remove: "Удалить",
      subtotal: "Сумма", discount: "Скидка", total: "Итого", applied: "Применено: {0}", notApplied: "Не применено: {0} — {1}",
      freeDelivery: "Бесплатная доставка от {0}: осталось {1}", freeDeliveryMet: "Бесплатная доставка: {0}",
      promoCode: "Промокод", apply: "Применить", checkout: "Оформить заказ", name: "Имя и фамилия", email: "Эл. почта",
      country: "Страна (2 буквы)", postalCode: "Индекс", city: "Город", street: "Улица и дом", getOptions: "Показать варианты доставки",
      deliveryFor: "Доставка от продавца {0}", card: "Тестовая карта", placeOrder: "Оплатить {0}", orderPlaced: "Спасибо! Заказ {0} оформлен.",
      paymentAction: "Банк просит подтвердить платёж.", unavailable: "Недоступно: {0}",
      cardVisa: "Visa, успешная оплата", cardDeclined: "Карта с отказом", card3ds: "Visa с 3-D Secure",
      eta: "{0}–{1}", searchLabel: "Поиск товаров", sellerItems: "Продавец {0}",
      confirmPayment: "Подтвердить платёж", refusePayment: "Отменить платёж", paymentConfirmed: "Платёж подтверждён.", paymentRefused: "Платёж не подтверждён."
    }
  };

  function pickLanguage(value) {
    return String(value || "").toLowerCase().indexOf("ru") === 0 ? "ru" : "en";
  }

  function t(key) {
    var text = TEXT[lang][key] || TEXT.en[key] || key;
    for (var i = 1; i < arguments.length; i++) {
      text = text.split("{" + (i - 1) + "}").join(String(arguments[i]));
    }
    return text;
  }

  function money(amount, currency) {
    if (amount === null || amount === undefined) return "";
    var value = typeof amount === "object" ? amount.amount : amount;
    var code = typeof amount === "object" ? amount.currency : currency;
    try {
      return new Intl.NumberFormat(lang === "ru" ? "ru-RU" : "en-GB", { style: "currency", currency: code || "EUR" }).format(value);
    } catch (e) {
      return value + " " + (code || "");
    }
  }

  // DOM built from elements and text nodes only: whatever a seller typed is shown as text, never parsed as HTML.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.indexOf("on") === 0) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function cartToken() {
    try { return localStorage.getItem(tokenKey); } catch (e) { return null; }
  }

  function saveCartToken(token) {
    try {
      if (token) localStorage.setItem(tokenKey, token);
      else localStorage.removeItem(tokenKey);
    } catch (e) { /* storage refused (private mode): the cart lives as long as the page */ }
  }

  function request(method, path, body, headers) {
    var sent = { method: method, headers: Object.assign({ Accept: "application/json" }, headers || {}) };
    if (lang === "ru") sent.headers["Accept-Language"] = "ru";
    if (body !== undefined) {
      sent.headers["Content-Type"] = "application/json";
      sent.body = JSON.stringify(body);
    }
    return fetch(api + path, sent).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var read = type.indexOf("json") >= 0 ? response.json() : Promise.resolve(null);
      return read.then(function (data) {
        if (!response.ok) {
          var error = new Error((data && (data.detail || data.title)) || response.statusText);
          error.status = response.status;
          error.problem = data;
          throw error;
        }
        return data;
      });
    });
  }

  function cartRequest(method, path, body, extraHeaders, retried) {
    var token = cartToken();
    var ensure = token ? Promise.resolve(token) : request("POST", "/api/v1/cart/guest").then(function (created) {
      saveCartToken(created.token);
      return created.token;
    });
    return ensure.then(function (tokenValue) {
      return request(method, path, body, Object.assign({ "X-Cart-Token": tokenValue }, extraHeaders || {})).catch(function (error) {
        // A cart that expired or was merged no longer opens with its token: start a new one, once. Other 404s (an
        // unknown offer or line) are answers about this cart, which stays.
        if (!retried && cartGone(error) && tokenValue === cartToken() && path !== "/api/v1/cart") {
          saveCartToken(null);
          return cartRequest(method, path, body, extraHeaders, true);
        }
        throw error;
      });
    });
  }

  function cartGone(error) {
    return error.status === 401 || (error.status === 404 && !!error.problem && error.problem.title === "Cart not found");
  }

  function problemText(error) {
    var problem = error && error.problem;
    if (problem && problem.errors) {
      return Object.keys(problem.errors).map(function (field) { return problem.errors[field].join(" "); }).join(" ");
    }
    return (problem && (problem.detail || problem.title)) || t("failed");
  }

  var events = document.createElement("span");

  function announceCart(cart) {
    events.dispatchEvent(new CustomEvent("cart", { detail: cart }));
  }

  function addToCart(offerId, status) {
    status.textContent = t("loading");
    return cartRequest("POST", "/api/v1/cart/lines", { offerId: offerId, quantity: 1 }).then(function (cart) {
      status.textContent = t("added");
      announceCart(cart);
    }).catch(function (error) {
      status.textContent = problemText(error);
    });
  }

  // ---- Product grid: a category or a search, brand facets, keyset "show more" ----
  function mountGrid(root) {
    var pageSize = parseInt(root.dataset.pageSize || "12", 10);
    var state = { query: root.dataset.query || "", brands: [], cursor: null };
    var search = el("input", { type: "search", class: "mp-search", value: state.query, "aria-label": t("searchLabel"), placeholder: t("searchLabel") });
    var facets = el("fieldset", { class: "mp-facets" });
    var list = el("ul", { class: "mp-grid", role: "list" });
    var status = el("p", { class: "mp-status", role: "status", "aria-live": "polite" });
    var more = el("button", { type: "button", class: "mp-button mp-more", hidden: true, text: t("loadMore") });
    var form = el("form", { class: "mp-toolbar", role: "search" }, [search]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      state.query = search.value.trim();
      state.brands = [];
      load(true);
    });
    more.addEventListener("click", function () { load(false); });
    root.classList.add("mp-root");
    root.append(form, facets, status, list, more);

    function load(fresh) {
      var params = new URLSearchParams();
      if (root.dataset.category) params.set("category", root.dataset.category);
      if (state.query) params.set("q", state.query);
      state.brands.forEach(function (brand) { params.append("brand", brand); });
      params.set("limit", String(pageSize));
      if (!fresh && state.cursor) params.set("cursor", state.cursor);
      status.textContent = t("loading");
      more.disabled = true;
      request("GET", "/api/v1/products?" + params.toString()).then(function (page) {
        if (fresh) clear(list);
        (page.items || []).forEach(function (product) { list.appendChild(card(product)); });
        state.cursor = page.nextCursor || null;
        more.hidden = !state.cursor;
        more.disabled = false;
        status.textContent = list.children.length === 0 ? t("noResults") : "";
        if (fresh) renderFacets(page.facets);
      }).catch(function (error) {
        status.textContent = problemText(error);
        more.disabled = false;
      });
    }

    function renderFacets(found) {
      clear(facets);
      var brands = (found && found.brands) || [];
      if (brands.length === 0) {
        facets.hidden = true;
        return;
      }

      facets.hidden = false;
      facets.appendChild(el("legend", { text: t("brands") }));
      brands.forEach(function (brand) {
        var box = el("input", { type: "checkbox", value: brand.value, checked: state.brands.indexOf(brand.value) >= 0 });
        box.addEventListener("change", function () {
          state.brands = Array.prototype.map.call(facets.querySelectorAll("input:checked"), function (input) { return input.value; });
          load(true);
        });
        facets.appendChild(el("label", { class: "mp-facet" }, [box, " " + brand.label + " (" + brand.count + ")"]));
      });
    }

    function card(product) {
      var status = el("span", { class: "mp-status", role: "status", "aria-live": "polite" });
      var link = el("a", { class: "mp-card-title", href: "#mp-product-" + product.id, text: product.title });
      link.addEventListener("click", function (event) {
        var target = document.querySelector("[data-marketplace='product']");
        if (target) {
          event.preventDefault();
          target.dataset.productId = product.id;
          mountProduct(target);
          target.scrollIntoView({ behavior: "smooth" });
        }
      });
      return el("li", { class: "mp-card" }, [
        product.image ? el("img", { src: product.image, alt: product.title, loading: "lazy", width: "240", height: "240" }) : null,
        link,
        el("span", { class: "mp-brand", text: product.brandName || "" }),
        el("span", { class: "mp-price", text: t("from") + " " + money(product.minPrice, product.currency) }),
        el("span", { class: product.inStock ? "mp-stock" : "mp-stock mp-out", text: product.inStock ? t("inStock") : t("outOfStock") }),
        status
      ]);
    }

    load(true);
  }

  // ---- Product card: the buy box and the other sellers' offers ----
  function mountProduct(root) {
    var id = root.dataset.productId;
    root.classList.add("mp-root");
    clear(root);
    if (!id) return;
    var status = el("p", { class: "mp-status", role: "status", "aria-live": "polite", text: t("loading") });
    root.appendChild(status);
    request("GET", "/api/v1/products/" + encodeURIComponent(id)).then(function (product) {
      clear(root);
      var offers = (product.offers || []).filter(function (offer) { return !product.buyBox || offer.offerId !== product.buyBox.offerId; });
      var buyStatus = el("p", { class: "mp-status", role: "status", "aria-live": "polite" });
      var image = (product.images || [])[0];
      root.appendChild(el("article", { class: "mp-product", id: "mp-product-" + product.id, "aria-labelledby": "mp-title-" + product.id }, [
        image ? el("img", { class: "mp-product-image", src: image, alt: product.title, width: "480", height: "480" }) : null,
        el("div", { class: "mp-product-body" }, [
          el("h2", { id: "mp-title-" + product.id, text: product.title }),
          el("p", { class: "mp-brand", text: product.brandName || "" }),
          product.rating && product.rating.count ? el("p", { class: "mp-rating", text: t("rating", product.rating.average.toFixed(1), product.rating.count) }) : null,
          product.buyBox ? buyBox(product.buyBox, buyStatus) : el("p", { class: "mp-stock mp-out", text: t("outOfStock") }),
          buyStatus,
          offers.length ? el("section", { class: "mp-offers", "aria-label": t("otherOffers") }, [
            el("h3", { text: t("otherOffers") }),
            el("ul", { role: "list" }, offers.map(function (offer) { return offerRow(offer, buyStatus); }))
          ]) : null
        ])
      ]));
    }).catch(function (error) {
      status.textContent = problemText(error);
    });
  }

  function buyBox(offer, status) {
    var button = el("button", { type: "button", class: "mp-button mp-primary", disabled: !offer.inStock, text: t("addToCart") });
    button.addEventListener("click", function () { addToCart(offer.offerId, status); });
    return el("div", { class: "mp-buybox" }, [
      el("p", { class: "mp-price mp-price-large", text: money(offer.price, offer.currency) }),
      el("p", { class: "mp-seller", text: t("seller") + ": " + (offer.sellerName || "") }),
      el("p", { class: "mp-dispatch", text: t("dispatch", offer.dispatchDays) }),
      button
    ]);
  }

  function offerRow(offer, status) {
    var button = el("button", { type: "button", class: "mp-button", disabled: !offer.inStock, text: t("addToCart"), "aria-label": t("addToCart") + ": " + offer.sellerName });
    button.addEventListener("click", function () { addToCart(offer.offerId, status); });
    return el("li", { class: "mp-offer" }, [
      el("span", { class: "mp-seller", text: offer.sellerName || "" }),
      el("span", { class: "mp-price", text: money(offer.price, offer.currency) }),
      el("span", { class: "mp-dispatch", text: t("dispatch", offer.dispatchDays) }),
      button
    ]);
  }

  // ---- Cart drawer: lines, why each discount did or didn't apply, promo codes, checkout ----
  function mountCart(root) {
    root.classList.add("mp-root");
    var toggle = el("button", { type: "button", class: "mp-button mp-cart-toggle", "aria-expanded": "false", "aria-controls": "mp-cart-drawer", text: t("cart") });
    var drawer = el("aside", { id: "mp-cart-drawer", class: "mp-drawer", role: "dialog", "aria-modal": "false", "aria-label": t("cart"), hidden: true });
    var body = el("div", { class: "mp-drawer-body" });
    var closeButton = el("button", { type: "button", class: "mp-button mp-close", text: t("close") });
    drawer.append(el("header", { class: "mp-drawer-header" }, [el("h2", { text: t("cart") }), closeButton]), body);
    root.append(toggle, drawer);

    function open() {
      drawer.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      closeButton.focus();
      refresh();
    }

    function close() {
      drawer.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }

    toggle.addEventListener("click", function () { if (drawer.hidden) open(); else close(); });
    closeButton.addEventListener("click", close);
    drawer.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    events.addEventListener("cart", function (event) { showCount(event.detail); if (!drawer.hidden) render(event.detail); });

    function showCount(cart) {
      toggle.textContent = cart && cart.itemCount ? t("cartCount", cart.itemCount) : t("cart");
    }

    function refresh() {
      if (!cartToken()) {
        render(null);
        return;
      }
      request("GET", "/api/v1/cart", undefined, { "X-Cart-Token": cartToken() }).then(function (cart) {
        showCount(cart);
        render(cart);
      }).catch(function (error) {
        if (cartGone(error)) {
          saveCartToken(null);
          render(null);
        } else {
          clear(body);
          body.appendChild(el("p", { class: "mp-status", role: "alert", text: problemText(error) }));
        }
      });
    }

    function render(cart) {
      clear(body);
      if (!cart || !cart.lineCount) {
        body.appendChild(el("p", { class: "mp-empty", text: t("emptyCart") }));
        return;
      }
      var status = el("p", { class: "mp-status", role: "status", "aria-live": "polite" });
      (cart.sellers || []).forEach(function (seller, index) {
        body.appendChild(el("section", { class: "mp-cart-seller", "aria-label": t("sellerItems", index + 1) }, [
          el("ul", { role: "list" }, (seller.lines || []).map(function (line) { return cartLine(line, status); })),
          seller.freeDelivery ? freeDeliveryNote(seller.freeDelivery) : null
        ]));
      });
      body.appendChild(explanations(cart));
      body.appendChild(promoForm(cart, status));
      body.appendChild(el("dl", { class: "mp-totals" }, [
        el("dt", { text: t("subtotal") }), el("dd", { text: money(cart.subtotal) }),
        cart.discount && cart.discount.amount ? el("dt", { text: t("discount") }) : null,
        cart.discount && cart.discount.amount ? el("dd", { text: "−" + money(cart.discount) }) : null,
        el("dt", { text: t("total") }), el("dd", { class: "mp-total", text: money(cart.total) })
      ]));
      body.appendChild(status);
      body.appendChild(checkoutForm(cart));
    }

    function cartLine(line, status) {
      var quantity = el("input", { type: "number", min: "1", max: "999", value: String(line.quantity), class: "mp-quantity", "aria-label": t("quantity") + ": " + line.productTitle });
      quantity.addEventListener("change", function () {
        cartRequest("PUT", "/api/v1/cart/lines/" + encodeURIComponent(line.offerId), { quantity: parseInt(quantity.value, 10) })
          .then(announceCart).catch(function (error) { status.textContent = problemText(error); });
      });
      var remove = el("button", { type: "button", class: "mp-button mp-link", text: t("remove"), "aria-label": t("remove") + ": " + line.productTitle });
      remove.addEventListener("click", function () {
        cartRequest("DELETE", "/api/v1/cart/lines/" + encodeURIComponent(line.offerId))
          .then(function (cart) { announceCart(cart); if (!cart) refresh(); })
          .catch(function (error) { status.textContent = problemText(error); });
      });
      return el("li", { class: "mp-line" }, [
        el("span", { class: "mp-line-title", text: line.productTitle + (line.skuCode ? " · " + line.skuCode : "") }),
        quantity,
        el("span", { class: "mp-price", text: money(line.total) }),
        remove,
        el("ul", { class: "mp-why", role: "list" }, (line.discounts || []).map(function (d) {
          return el("li", { class: "mp-applied", text: t("applied", d.ruleName) + " (−" + money(d.amount) + ")" });
        }).concat((line.rulesNotApplied || []).map(function (r) {
          return el("li", { class: "mp-not-applied", text: t("notApplied", r.ruleName, r.reason) });
        })))
      ]);
    }

    function explanations(cart) {
      return el("ul", { class: "mp-why", role: "list" }, (cart.discounts || []).map(function (d) {
        return el("li", { class: "mp-applied", text: t("applied", d.ruleName) + " (−" + money(d.amount) + ")" });
      }).concat((cart.rulesNotApplied || []).map(function (r) {
        return el("li", { class: "mp-not-applied", text: t("notApplied", r.ruleName, r.reason) });
      })).concat((cart.promoCodes || []).filter(function (p) { return !p.applied; }).map(function (p) {
        return el("li", { class: "mp-not-applied", text: t("notApplied", p.code, p.reason || "") });
      })));
    }

    function freeDeliveryNote(free) {
      return el("p", { class: free.met ? "mp-free mp-met" : "mp-free" },
        [free.met ? t("freeDeliveryMet", free.ruleName) : t("freeDelivery", money(free.threshold), money(free.missing))]);
    }

    function promoForm(cart, status) {
      var input = el("input", { type: "text", name: "code", autocomplete: "off", maxlength: "64", class: "mp-input" });
      var form = el("form", { class: "mp-promo" }, [
        el("label", {}, [t("promoCode"), input]),
        el("button", { type: "submit", class: "mp-button", text: t("apply") })
      ]);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        cartRequest("POST", "/api/v1/cart/promo-codes", { code: input.value.trim() })
          .then(announceCart).catch(function (error) { status.textContent = problemText(error); });
      });
      return form;
    }

    function field(name, label, attrs) {
      var input = el("input", Object.assign({ name: name, required: true, class: "mp-input" }, attrs || {}));
      return { input: input, label: el("label", { class: "mp-field" }, [label, input]) };
    }

    function checkoutForm(cart) {
      var fields = {
        name: field("name", t("name"), { autocomplete: "name" }),
        email: field("email", t("email"), { type: "email", autocomplete: "email" }),
        country: field("country", t("country"), { autocomplete: "country", maxlength: "2", value: lang === "ru" ? "RU" : "DE" }),
        postalCode: field("postalCode", t("postalCode"), { autocomplete: "postal-code" }),
        city: field("city", t("city"), { autocomplete: "address-level2" }),
        street: field("street", t("street"), { autocomplete: "street-address" })
      };
      var options = el("div", { class: "mp-options" });
      var status = el("p", { class: "mp-status", role: "status", "aria-live": "polite" });
      var quoteButton = el("button", { type: "submit", class: "mp-button", text: t("getOptions") });
      var form = el("form", { class: "mp-checkout", "aria-label": t("checkout") }, [
        el("h3", { text: t("checkout") }),
        fields.name.label, fields.email.label, fields.country.label, fields.postalCode.label, fields.city.label, fields.street.label,
        quoteButton, options, status
      ]);
      var quoted = null;

      function address() {
        return {
          name: fields.name.input.value.trim(),
          country: fields.country.input.value.trim().toUpperCase(),
          postalCode: fields.postalCode.input.value.trim(),
          city: fields.city.input.value.trim(),
          lines: [fields.street.input.value.trim()]
        };
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (quoted) {
          place();
          return;
        }
        status.textContent = t("loading");
        cartRequest("POST", "/api/v1/checkout/quote", { shippingAddress: address() }).then(function (quote) {
          quoted = quote;
          status.textContent = "";
          renderOptions(quote);
        }).catch(function (error) { status.textContent = problemText(error); });
      });

      function renderOptions(quote) {
        clear(options);
        (quote.sellers || []).forEach(function (seller, index) {
          var group = el("fieldset", { class: "mp-delivery" }, [el("legend", { text: t("deliveryFor", index + 1) })]);
          (seller.options || []).forEach(function (option) {
            var radio = el("input", { type: "radio", name: "delivery-" + seller.sellerId, value: option.optionId, checked: option.optionId === seller.cheapestOptionId, required: true });
            group.appendChild(el("label", { class: "mp-option" }, [radio, " " + option.serviceName + " · " + money(option.price, quote.currency) +
              " · " + t("eta", option.etaEarliest, option.etaLatest)]));
          });
          (seller.unavailable || []).forEach(function (option) {
            group.appendChild(el("p", { class: "mp-unavailable", text: t("unavailable", option.serviceName + " — " + option.reason) }));
          });
          options.appendChild(group);
        });
        var card = el("select", { name: "card", class: "mp-input" }, [
          el("option", { value: "pm_card_visa", text: t("cardVisa") }),
          el("option", { value: "pm_card_threeDSecure2Required", text: t("card3ds") }),
          el("option", { value: "pm_card_chargeDeclined", text: t("cardDeclined") })
        ]);
        options.appendChild(el("label", { class: "mp-field" }, [t("card"), card]));
        options.appendChild(el("button", { type: "submit", class: "mp-button mp-primary", text: t("placeOrder", money(quote.total, quote.currency)) }));
      }

      function place() {
        // One key per purchase, kept until it succeeds: a retry after a lost answer gets the same order, never a second one.
        var key = sessionStorage.getItem(checkoutKeyName) || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
        sessionStorage.setItem(checkoutKeyName, key);
        var delivery = (quoted.sellers || []).map(function (seller) {
          var chosen = form.querySelector("input[name='delivery-" + seller.sellerId + "']:checked");
          return { sellerId: seller.sellerId, quoteId: quoted.quoteId, optionId: chosen ? chosen.value : seller.cheapestOptionId };
        });
        status.textContent = t("loading");
        cartRequest("POST", "/api/v1/checkout", {
          email: fields.email.input.value.trim(),
          shippingAddress: address(),
          delivery: delivery,
          paymentMethodId: form.querySelector("select[name='card']").value,
          expectedTotal: quoted.total,
          cartFingerprint: quoted.cartFingerprint
        }, { "Idempotency-Key": key }).then(function (order) {
          sessionStorage.removeItem(checkoutKeyName);
          clear(form);
          form.appendChild(el("p", { class: "mp-done", role: "status", text: t("orderPlaced", order.number) }));
          var action = order.payment && order.payment.status === "requires_action" ? order.payment.nextAction : null;
          if (action && action.confirmationPath) {
            // The sandbox's stand-in for the bank's 3-D Secure page: the customer confirms, or refuses, with the client secret.
            var outcome = el("p", { class: "mp-status", role: "status", "aria-live": "polite" });
            var confirm = function (answer) {
              return function () {
                request("POST", action.confirmationPath, { clientSecret: action.clientSecret, outcome: answer })
                  .then(function (result) { outcome.textContent = String(result.status).toLowerCase() === "authorized" ? t("paymentConfirmed") : t("paymentRefused"); })
                  .catch(function (error) { outcome.textContent = problemText(error); });
              };
            };
            form.appendChild(el("p", { class: "mp-status", text: t("paymentAction") }));
            form.appendChild(el("button", { type: "button", class: "mp-button mp-primary", text: t("confirmPayment"), onclick: confirm("complete") }));
            form.appendChild(el("button", { type: "button", class: "mp-button", text: t("refusePayment"), onclick: confirm("fail") }));
            form.appendChild(outcome);
          }
          toggle.textContent = t("cart");
        }).catch(function (error) {
          // A refused checkout (declined, changed prices) will not succeed under the same key: the next try gets a new one.
          if (error.status && error.status < 500 && error.status !== 409) sessionStorage.removeItem(checkoutKeyName);
          if (error.status === 409) {
            sessionStorage.removeItem(checkoutKeyName);
            quoted = null;
            clear(options);
          }
          status.textContent = problemText(error);
        });
      }

      return form;
    }

    if (cartToken()) {
      request("GET", "/api/v1/cart", undefined, { "X-Cart-Token": cartToken() }).then(showCount).catch(function () { /* shown when opened */ });
    }
  }

  function ensureStylesheet() {
    if (document.querySelector("link[data-marketplace-style]")) return;
    var href = script && script.dataset.stylesheet !== "none" ? (script.dataset.stylesheet || "__STYLESHEET__") : null;
    if (!href) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL(href, script.src).href;
    link.setAttribute("data-marketplace-style", "");
    document.head.appendChild(link);
  }

  function start() {
    ensureStylesheet();
    document.querySelectorAll("[data-marketplace]").forEach(function (root) {
      var kind = root.dataset.marketplace;
      if (kind === "grid") mountGrid(root);
      else if (kind === "product") mountProduct(root);
      else if (kind === "cart") mountCart(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
