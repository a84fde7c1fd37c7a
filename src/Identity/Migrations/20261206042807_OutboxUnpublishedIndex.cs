using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Identity.Migrations
{
    /// <inheritdoc />
    internal partial class OutboxUnpublishedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_unpublished",
                schema: "identity",
                table: "outbox_messages",
                column: "sequence",
                filter: "published_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_unpublished",
                schema: "identity",
                table: "outbox_messages");
        }
    }
}
