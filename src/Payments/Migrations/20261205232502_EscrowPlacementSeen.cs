using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Payments.Migrations
{
    /// <inheritdoc />
    public partial class EscrowPlacementSeen : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "placement_seen",
                schema: "payments",
                table: "escrow_orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Orders recorded before this change: their placement cannot be told apart any more, and a capture waiting
            // for one that arrived long ago would wait until its deadline. Treated as seen, as they were treated before.
            migrationBuilder.Sql("UPDATE payments.escrow_orders SET placement_seen = TRUE;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "placement_seen",
                schema: "payments",
                table: "escrow_orders");
        }
    }
}
