using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Payments.Migrations
{
    /// <inheritdoc />
    public partial class ReversalAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "reversal_attempt",
                schema: "payments",
                table: "refunds",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "reversal_attempt",
                schema: "payments",
                table: "refunds");
        }
    }
}
