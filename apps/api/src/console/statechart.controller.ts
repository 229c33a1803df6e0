import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { describeStatechart, StatechartDescription } from '@makebuy/domain';
import { ApiSignedIn } from '../http/api-problems.decorator';

const NODE_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    key: { type: 'string' },
    type: { type: 'string', enum: ['atomic', 'compound', 'parallel', 'final', 'history'] },
    initial: { type: 'string', nullable: true },
    states: { type: 'array', items: { type: 'object' } },
  },
  required: ['id', 'key', 'type', 'initial', 'states'],
};

/** The case machine's states, events and transitions, read from its definition (for diagrams). */
@ApiTags('cases')
@Controller('statechart')
export class StatechartController {
  private readonly chart = describeStatechart();

  @Get()
  @ApiOperation({ summary: "The case statechart: nested states, events, transitions and their guards' names" })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        version: { type: 'string', nullable: true },
        root: NODE_SCHEMA,
        events: { type: 'array', items: { type: 'string' } },
        transitions: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              source: { type: 'string' },
              event: { type: 'string' },
              target: { type: 'string', nullable: true },
              guard: { type: 'string', nullable: true },
            },
            required: ['source', 'event', 'target', 'guard'],
          },
        },
      },
      required: ['id', 'version', 'root', 'events', 'transitions'],
    },
  })
  @ApiSignedIn()
  get(): StatechartDescription {
    return this.chart;
  }
}
