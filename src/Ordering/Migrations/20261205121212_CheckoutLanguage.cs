using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Ordering.Migrations
{
    /// <inheritdoc />
    public partial class CheckoutLanguage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "checkout_language",
                schema: "ordering",
                table: "order_groups",
                type: "character varying(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "en");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "checkout_language",
                schema: "ordering",
                table: "order_groups");
        }
    }
}
