using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Ordering.Migrations
{
    /// <inheritdoc />
    internal partial class OrderListReadModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_seller_orders_customer_id_created_at_number",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropIndex(
                name: "ix_seller_orders_seller_id_created_at_number",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropIndex(
                name: "ix_seller_orders_seller_id_status_created_at_number",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.CreateTable(
                name: "order_list_entries",
                schema: "ordering",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    total = table.Column<decimal>(type: "numeric", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_list_entries", x => x.order_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_seller_orders_seller_id",
                schema: "ordering",
                table: "seller_orders",
                column: "seller_id");

            migrationBuilder.CreateIndex(
                name: "ix_order_list_entries_customer_id_created_at_number",
                schema: "ordering",
                table: "order_list_entries",
                columns: new[] { "customer_id", "created_at", "number" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_order_list_entries_seller_id_created_at_number",
                schema: "ordering",
                table: "order_list_entries",
                columns: new[] { "seller_id", "created_at", "number" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_order_list_entries_seller_id_status_created_at_number",
                schema: "ordering",
                table: "order_list_entries",
                columns: new[] { "seller_id", "status", "created_at", "number" },
                descending: new[] { false, false, true, true });

            // Orders placed before the lists had a read model: every order whose payment was authorised, as it stands
            // now. Events still in flight then apply only when newer than the version copied here.
            migrationBuilder.Sql("""
                INSERT INTO ordering.order_list_entries
                    (order_id, number, group_id, seller_id, customer_id, status, version, currency, total, created_at, updated_at)
                SELECT o.id, o.number, o.group_id, o.seller_id, o.customer_id, o.status, o.version, o.currency, o.total, o.created_at, o.updated_at
                FROM ordering.seller_orders o
                WHERE EXISTS (SELECT 1 FROM ordering.order_history h WHERE h.order_id = o.id AND h.transition = 'PaymentAuthorized')
                ON CONFLICT (order_id) DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_list_entries",
                schema: "ordering");

            migrationBuilder.DropIndex(
                name: "ix_seller_orders_seller_id",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.CreateIndex(
                name: "ix_seller_orders_customer_id_created_at_number",
                schema: "ordering",
                table: "seller_orders",
                columns: new[] { "customer_id", "created_at", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_seller_orders_seller_id_created_at_number",
                schema: "ordering",
                table: "seller_orders",
                columns: new[] { "seller_id", "created_at", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_seller_orders_seller_id_status_created_at_number",
                schema: "ordering",
                table: "seller_orders",
                columns: new[] { "seller_id", "status", "created_at", "number" });
        }
    }
}
