using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Payments.Migrations
{
    /// <inheritdoc />
    public partial class PayoutAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "payout_attempt",
                schema: "payments",
                table: "escrow_orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "payout_attempt",
                schema: "payments",
                table: "escrow_orders");
        }
    }
}
