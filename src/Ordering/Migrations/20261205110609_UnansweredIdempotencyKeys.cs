using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Ordering.Migrations
{
    /// <inheritdoc />
    public partial class UnansweredIdempotencyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_unanswered",
                schema: "ordering",
                table: "idempotency_keys",
                column: "created_at",
                filter: "response_status IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_idempotency_keys_unanswered",
                schema: "ordering",
                table: "idempotency_keys");
        }
    }
}
