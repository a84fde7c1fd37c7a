using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Payments.Migrations
{
    /// <inheritdoc />
    public partial class Payouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "charge_reference",
                schema: "payments",
                table: "payments",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "delivered_at",
                schema: "payments",
                table: "escrow_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "paid_out_at",
                schema: "payments",
                table: "escrow_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "payout_claimed_until",
                schema: "payments",
                table: "escrow_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "escrow_order_lines",
                schema: "payments",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    offer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    category_id = table.Column<Guid>(type: "uuid", nullable: false),
                    total_minor = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_escrow_order_lines", x => new { x.order_id, x.line_number });
                });

            migrationBuilder.CreateTable(
                name: "payouts",
                schema: "payments",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    payment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    destination = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    transfer_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payouts", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "seller_payout_accounts",
                schema: "payments",
                columns: table => new
                {
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    account_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    charges_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    payouts_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    transfers_active = table.Column<bool>(type: "boolean", nullable: false),
                    requirements_due = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ready = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_seller_payout_accounts", x => x.seller_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_escrow_orders_paid_out_at_delivered_at",
                schema: "payments",
                table: "escrow_orders",
                columns: new[] { "paid_out_at", "delivered_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_seller_id_paid_at",
                schema: "payments",
                table: "payouts",
                columns: new[] { "seller_id", "paid_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "escrow_order_lines",
                schema: "payments");

            migrationBuilder.DropTable(
                name: "payouts",
                schema: "payments");

            migrationBuilder.DropTable(
                name: "seller_payout_accounts",
                schema: "payments");

            migrationBuilder.DropIndex(
                name: "ix_escrow_orders_paid_out_at_delivered_at",
                schema: "payments",
                table: "escrow_orders");

            migrationBuilder.DropColumn(
                name: "charge_reference",
                schema: "payments",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "delivered_at",
                schema: "payments",
                table: "escrow_orders");

            migrationBuilder.DropColumn(
                name: "paid_out_at",
                schema: "payments",
                table: "escrow_orders");

            migrationBuilder.DropColumn(
                name: "payout_claimed_until",
                schema: "payments",
                table: "escrow_orders");
        }
    }
}
