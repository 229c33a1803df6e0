import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { FEED_TYPES } from '@makebuy/feed';

export class FeedQuery {
  @ApiPropertyOptional({ description: 'a nextCursor from an earlier page; absent: from the beginning' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  after?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class FeedItemDto {
  @ApiProperty({ format: 'uuid', description: 'opaque and random: says nothing about other items' }) id: string;
  @ApiProperty({ format: 'date-time', description: 'when the change was made' }) at: string;
  @ApiProperty({ enum: FEED_TYPES }) type: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId: string | null;
  @ApiProperty({ nullable: true, type: String }) ocid: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
}

export class FeedPageDto {
  @ApiProperty({ type: [FeedItemDto], description: 'in commit order' }) items: FeedItemDto[];
  @ApiProperty({
    description:
      'always set: the feed goes on. Pass it as `after` to read what comes next (an empty page means nothing new yet). Opaque; a cursor the server did not issue gets 400.',
  })
  nextCursor: string;
}
