using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Ordering.Migrations
{
    /// <inheritdoc />
    public partial class OrderDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "accept_by",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "deliver_by",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "delivered_at",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "delivery_dispatch_days",
                schema: "ordering",
                table: "seller_orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "delivery_late_at",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "placed_at",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ship_by",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ship_missed_at",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "shipped_at",
                schema: "ordering",
                table: "seller_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "order_deadlines",
                schema: "ordering",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    settled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_deadlines", x => new { x.order_id, x.kind });
                });

            migrationBuilder.CreateIndex(
                name: "ix_seller_orders_seller_id_placed_at",
                schema: "ordering",
                table: "seller_orders",
                columns: new[] { "seller_id", "placed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_order_deadlines_open_due",
                schema: "ordering",
                table: "order_deadlines",
                column: "due_at",
                filter: "settled_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_deadlines",
                schema: "ordering");

            migrationBuilder.DropIndex(
                name: "ix_seller_orders_seller_id_placed_at",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "accept_by",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "deliver_by",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "delivered_at",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "delivery_dispatch_days",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "delivery_late_at",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "placed_at",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "ship_by",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "ship_missed_at",
                schema: "ordering",
                table: "seller_orders");

            migrationBuilder.DropColumn(
                name: "shipped_at",
                schema: "ordering",
                table: "seller_orders");
        }
    }
}
