using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Payments.Migrations
{
    /// <inheritdoc />
    public partial class PayoutReversals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "reversal_minor",
                schema: "payments",
                table: "refunds",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "reversal_reference",
                schema: "payments",
                table: "refunds",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reversed_at",
                schema: "payments",
                table: "refunds",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "payout_minor",
                schema: "payments",
                table: "escrow_orders",
                type: "bigint",
                nullable: true);

            // Orders paid before this change: their payout's amount is the fixed one, so a refund from now on reverses.
            migrationBuilder.Sql(
                "UPDATE payments.escrow_orders AS o SET payout_minor = p.amount_minor FROM payments.payouts AS p WHERE p.order_id = o.order_id;");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_reversal_owed",
                schema: "payments",
                table: "refunds",
                column: "created_at",
                filter: "reversal_minor > 0 AND reversed_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_refunds_reversal_owed",
                schema: "payments",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "reversal_minor",
                schema: "payments",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "reversal_reference",
                schema: "payments",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "reversed_at",
                schema: "payments",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "payout_minor",
                schema: "payments",
                table: "escrow_orders");
        }
    }
}
